using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tanager;
using Tanager.Internal;

namespace Microsoft.Extensions.DependencyInjection;

public static class TanagerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Tanager engine with zero-dependency defaults: in-memory storage and in-process pub/sub.
    /// Adapter packages replace those through the returned builder.
    /// </summary>
    public static TanagerBuilder AddTanager(this IServiceCollection services, Action<TanagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TanagerOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TanagerOptions>, TanagerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryStore>();
        services.TryAddSingleton<IUserStore>(sp => sp.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<IWorkspaceStore>(sp => sp.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<IChannelStore>(sp => sp.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<IMessageStore>(sp => sp.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<ISearchStore>(sp => sp.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<IReadStateStore>(sp => sp.GetRequiredService<InMemoryStore>());
        services.TryAddSingleton<IPubSub, InProcessPubSub>();
        services.TryAddSingleton<EventDispatcher>();
        services.TryAddSingleton<FanOut>();
        services.TryAddSingleton<PresenceTracker>();
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<BotService>();
        services.TryAddSingleton<AdministrationService>();
        services.TryAddSingleton<WorkspaceService>();
        services.TryAddSingleton<ChannelService>();
        services.TryAddSingleton<DirectMessageService>();
        services.TryAddSingleton<SendPipeline>();
        services.TryAddSingleton<MessageService>();
        services.TryAddSingleton<ReadStateService>();
        services.TryAddSingleton<GatewayHub>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageMigrationService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayDrainService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SessionPurgeService>());
        return new TanagerBuilder(services);
    }
}
