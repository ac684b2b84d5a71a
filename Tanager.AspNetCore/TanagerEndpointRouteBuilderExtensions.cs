using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tanager;
using Tanager.AspNetCore.Internal;
using Tanager.AspNetCore.Internal.OpenApi;
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

        // Every API route is in Tanager's OpenAPI document (AddOpenApiDocument), tagged by area, and in no document of the app's.
        var api = root.MapGroup("/api/v1").AddEndpointFilter<ProblemFilter>().WithGroupName(TanagerOpenApi.DocumentName);
        AccountEndpoints.MapAnonymous(Tagged(api, "Accounts"), throttle);
        ExternalLoginEndpoints.MapAnonymous(Tagged(api, "Single sign-on"));
        WebhookEndpoints.MapAnonymous(Tagged(api, "Webhooks"), throttle);
        NotificationEndpoints.MapAnonymous(Tagged(api, "Notifications"));
        SlashCommandEndpoints.MapAnonymous(Tagged(api, "Slash commands"), throttle);

        var accounts = services.GetRequiredService<AccountService>();
        var authenticated = api.MapGroup("").AddEndpointFilter(new BearerAuthenticationFilter(accounts, CredentialUse.Api, throttle))
            .WithMetadata(new BearerAuthentication(CredentialUse.Api));
        AccountEndpoints.Map(Tagged(authenticated, "Accounts"));
        ExternalLoginEndpoints.Map(Tagged(authenticated, "Single sign-on"), services.GetService<SsoPaths>() ?? new SsoPaths(prefix));
        BotEndpoints.Map(Tagged(authenticated, "Bots"));
        AdminEndpoints.Map(Tagged(api.MapGroup("/admin"), "Administration").AddEndpointFilter(new BearerAuthenticationFilter(accounts, CredentialUse.AdminApi, throttle))
            .WithMetadata(new BearerAuthentication(CredentialUse.AdminApi)));
        WorkspaceEndpoints.Map(Tagged(authenticated, "Workspaces"));
        ChannelEndpoints.Map(Tagged(authenticated, "Channels"));
        WebhookEndpoints.Map(Tagged(authenticated, "Webhooks"), prefix);
        SlashCommandEndpoints.Map(Tagged(authenticated, "Slash commands"), prefix);
        SubscriptionEndpoints.Map(Tagged(authenticated, "Outgoing webhooks"));
        DirectMessageEndpoints.Map(Tagged(authenticated, "Direct messages"));
        MessageEndpoints.Map(Tagged(authenticated, "Messages"));
        ReadStateEndpoints.Map(Tagged(authenticated, "Read states"));
        NotificationEndpoints.Map(Tagged(authenticated, "Notifications"));
        FileEndpoints.Map(Tagged(authenticated, "Files"), prefix, throttle);
        FileEndpoints.MapSignedFiles(Tagged(api, "Files"));
        var hub = services.GetRequiredService<GatewayHub>();
        EventStreamEndpoint.Map(Tagged(api, "Events"), hub, accounts, origins);
        OpenApiDocumentEndpoint.MapIfAdded(api, services);

        // A WebSocket, which OpenAPI cannot describe: docs/protocol.md does.
        root.Map("/gateway", (HttpContext context) => GatewayEndpoint.HandleAsync(context, gateway, hub, origins)).ExcludeFromDescription();
        return root;
    }

    private static RouteGroupBuilder Tagged(RouteGroupBuilder group, string tag) => group.MapGroup("").WithTags(tag);
}
