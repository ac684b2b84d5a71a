using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanager;
using Tanager.Internal;

namespace Microsoft.Extensions.DependencyInjection;

public static class TanagerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Tanager engine with in-process pub/sub. Choose the store on the returned builder:
    /// <c>.UseSqlite(path)</c>, <c>.UsePostgres(url)</c>, or <c>.UseInMemory()</c> for tests and demos. Without one the
    /// host refuses to start, rather than keep everything in memory and lose it on the first restart.
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
        // No default store: each storage interface stands for "none chosen yet" until UseStore (or an adapter's UseXxx)
        // replaces it, and the first use says what to do. StoreCheck makes that first use the host's start.
        services.TryAddSingleton<IUserStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IWorkspaceStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IChannelStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IMessageStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<ISearchStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IReadStateStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IAttachmentStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IExternalLoginStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<ITwoFactorStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IAuditStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<ISlashCommandStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<INotificationStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IEventSubscriptionStore>(_ => throw StoreCheck.NoStore());
        services.TryAddSingleton<IFileStore>(sp => new LocalDiskFileStore(Path.Combine("data", "files"), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IPubSub, InProcessPubSub>();
        services.TryAddSingleton(sp => new EventDispatcher(sp.GetRequiredService<IPubSub>())
        {
            Subscriptions = sp.GetRequiredService<EventSubscriptionService>(),
            Hooks = sp.GetService<TanagerHooks>() is { } hooks ? (hooks, sp.GetRequiredService<ILogger<EventDispatcher>>()) : null,
        });
        services.TryAddSingleton<EventSubscriptionService>();
        services.TryAddSingleton<FanOut>();
        services.TryAddSingleton<PresenceTracker>();
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<ExternalLoginService>();
        services.TryAddSingleton<BotService>();
        services.TryAddSingleton<WebhookService>();
        // Commands routed to a URL call out through the webhook sender: Core's one HTTP client and its address checks.
        services.TryAddSingleton(sp =>
        {
            var commands = ActivatorUtilities.CreateInstance<SlashCommandService>(sp);
            commands.Endpoints = sp.GetRequiredService<OutgoingWebhookSender>();
            return commands;
        });
        services.TryAddSingleton<OutgoingWebhookSender>();
        services.TryAddSingleton<AdministrationService>();
        services.TryAddSingleton(sp => new WorkspaceArchiveService(sp.GetService<IWorkspaceArchiveStore>()));
        services.TryAddSingleton<WorkspaceService>();
        services.TryAddSingleton<ChannelService>();
        services.TryAddSingleton<DirectMessageService>();
        services.TryAddSingleton<SendPipeline>();
        services.TryAddSingleton<AttachmentService>();
        services.TryAddSingleton<MessageService>();
        services.TryAddSingleton<ReadStateService>();
        services.TryAddSingleton<NotificationService>();
        services.TryAddSingleton<WebPushService>();
        services.TryAddSingleton<ConnectionService>();
        services.TryAddSingleton<GatewayHub>();
        services.TryAddSingleton<ReadinessService>();
        // First of Tanager's hosted services, so a missing store stops the host before anything else starts.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreCheck>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageMigrationService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GatewayDrainService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SessionPurgeService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AttachmentPurgeService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ThumbnailWorker>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EmailNotifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebPushNotifier>());
        // The same instance that slash commands use: one HTTP client, one connection pool.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutgoingWebhookSender>(sp => sp.GetRequiredService<OutgoingWebhookSender>()));
        return new TanagerBuilder(services);
    }
}
