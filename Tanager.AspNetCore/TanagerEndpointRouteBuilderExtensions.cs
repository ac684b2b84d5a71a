using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tanager;
using Tanager.AspNetCore.Internal;
using Tanager.Transport.WebSockets;

namespace Microsoft.AspNetCore.Builder;

public static class TanagerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps Tanager's REST API under <c>{prefix}/api/v1</c>, the WebSocket gateway at <c>{prefix}/gateway</c>,
    /// and the same dispatch stream as server-sent events at <c>{prefix}/api/v1/events</c>.
    /// Requires <c>services.AddTanager()</c>.
    /// </summary>
    public static RouteGroupBuilder MapTanager(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var gateway = ActivatorUtilities.CreateInstance<WebSocketGateway>(endpoints.ServiceProvider);
        var root = endpoints.MapGroup(prefix);

        var api = root.MapGroup("/api/v1").AddEndpointFilter<ProblemFilter>();
        AccountEndpoints.MapAnonymous(api);

        var accounts = endpoints.ServiceProvider.GetRequiredService<AccountService>();
        var authenticated = api.MapGroup("").AddEndpointFilter(new BearerAuthenticationFilter(accounts, CredentialUse.Api));
        AccountEndpoints.Map(authenticated);
        BotEndpoints.Map(authenticated);
        AdminEndpoints.Map(api.MapGroup("/admin").AddEndpointFilter(new BearerAuthenticationFilter(accounts, CredentialUse.AdminApi)));
        WorkspaceEndpoints.Map(authenticated);
        ChannelEndpoints.Map(authenticated);
        DirectMessageEndpoints.Map(authenticated);
        MessageEndpoints.Map(authenticated);
        ReadStateEndpoints.Map(authenticated);
        FileEndpoints.Map(authenticated, prefix);
        FileEndpoints.MapSignedFiles(api);
        api.MapGet("/events", EventStreamEndpoint.HandleAsync);

        root.Map("/gateway", (HttpContext context) => GatewayEndpoint.HandleAsync(context, gateway));
        return root;
    }
}
