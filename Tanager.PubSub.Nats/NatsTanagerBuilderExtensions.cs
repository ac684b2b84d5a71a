using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanager.PubSub.Nats;
using Tanager.PubSub.Nats.Internal;

namespace Tanager;

public static class NatsTanagerBuilderExtensions
{
    /// <summary>Carries live events between nodes through the NATS server at <paramref name="url"/> (<c>nats://host:4222</c>).</summary>
    public static TanagerBuilder UseNats(this TanagerBuilder builder, string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return builder.UseNats(options => options.Url = url);
    }

    /// <summary>
    /// Carries live events between nodes through NATS. The options are validated and the connection is opened when the
    /// host starts: an unreachable server stops the start with <see cref="NatsUnreachableException"/>. Later outages
    /// are survived (reconnects, then <see cref="IPubSub.DeliveriesLost"/>). The connection closes when the host stops.
    /// </summary>
    public static TanagerBuilder UseNats(this TanagerBuilder builder, Action<NatsPubSubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<NatsPubSubOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NatsPubSubOptions>, NatsPubSubOptionsValidator>());
        builder.Services.TryAddSingleton(sp => new NatsPubSub(sp.GetRequiredService<IOptions<NatsPubSubOptions>>().Value, sp.GetService<ILoggerFactory>()));
        builder.UsePubSub(sp => sp.GetRequiredService<NatsPubSub>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NatsConnectService>());
        return builder;
    }
}
