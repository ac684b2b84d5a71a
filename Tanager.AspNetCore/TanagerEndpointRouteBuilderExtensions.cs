using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tanager;
using Tanager.AspNetCore.Internal;
using Tanager.Transport.WebSockets;

namespace Microsoft.AspNetCore.Builder;

public static class TanagerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps Tanager's REST API under <c>{prefix}/api/v1</c>, the WebSocket gateway at <c>{prefix}/gateway</c>,
    /// and the same dispatch stream as server-sent events at <c>{prefix}/api/v1/events</c>.
    /// Requires <c>services.AddTanager()</c>. Every route answers HEAD where it answers GET, carries the security headers
    /// of docs/security.md, and is throttled by <see cref="RateLimitOptions"/>.
    /// </summary>
    public static RouteGroupBuilder MapTanager(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var gateway = ActivatorUtilities.CreateInstance<WebSocketGateway>(services);
        var options = services.GetRequiredService<IOptions<TanagerOptions>>().Value;
        var throttle = new RequestThrottle(options.RateLimits);
        // The limiters run a timer each; it stops with the app.
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(throttle.Dispose);
        var origins = new OriginPolicy(options.AllowedOrigins);
        var root = endpoints.MapGroup(prefix);
        root.AddEndpointFilter(static (context, next) =>
        {
            EdgeHeaders.Apply(context.HttpContext.Response);
            return next(context);
        });
        // RFC 9110 §9.3.2: a server answers HEAD wherever it answers GET. Minimal APIs map GET alone; Kestrel drops the
        // body of a HEAD response, so the GET handler serves both.
        ((IEndpointConventionBuilder)root).Finally(static endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });

        var api = root.MapGroup("/api/v1").AddEndpointFilter<ProblemFilter>();
        AccountEndpoints.MapAnonymous(api, throttle);
        ExternalLoginEndpoints.MapAnonymous(api);
        WebhookEndpoints.MapAnonymous(api, throttle);

        var accounts = services.GetRequiredService<AccountService>();
        var authenticated = api.MapGroup("").AddEndpointFilter(new BearerAuthenticationFilter(accounts, CredentialUse.Api, throttle));
        AccountEndpoints.Map(authenticated);
        ExternalLoginEndpoints.Map(authenticated, services.GetService<SsoPaths>() ?? new SsoPaths(prefix));
        BotEndpoints.Map(authenticated);
        AdminEndpoints.Map(api.MapGroup("/admin").AddEndpointFilter(new BearerAuthenticationFilter(accounts, CredentialUse.AdminApi, throttle)));
        WorkspaceEndpoints.Map(authenticated);
        ChannelEndpoints.Map(authenticated);
        WebhookEndpoints.Map(authenticated, prefix);
        DirectMessageEndpoints.Map(authenticated);
        MessageEndpoints.Map(authenticated);
        ReadStateEndpoints.Map(authenticated);
        FileEndpoints.Map(authenticated, prefix, throttle);
        FileEndpoints.MapSignedFiles(api);
        var hub = services.GetRequiredService<GatewayHub>();
        api.MapGet("/events", (HttpContext context, IOptions<TanagerOptions> tanager, TimeProvider time) =>
            EventStreamEndpoint.HandleAsync(context, hub, accounts, origins, tanager, time));

        root.Map("/gateway", (HttpContext context) => GatewayEndpoint.HandleAsync(context, gateway, hub, origins));
        return root;
    }
}
