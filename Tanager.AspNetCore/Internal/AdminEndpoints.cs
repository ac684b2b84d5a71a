using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>The admin API under <c>/api/v1/admin</c>: server administrators' logins, and API keys without act-as.</summary>
internal static class AdminEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/users", async (HttpContext context, AdministrationService administration) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.ProvisionUserRequest);
            var user = await administration.ProvisionUserAsync(context.Caller(), body.Email, body.DisplayName, body.Password, body.ExternalId, body.ServerAdmin, context.RequestAborted);
            return TypedResults.Json(user.ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto, statusCode: StatusCodes.Status201Created);
        });

        admin.MapGet("/users/{user}", async (string user, HttpContext context, AdministrationService administration) =>
            TypedResults.Json((await administration.FindUserAsync(context.Caller(), user, context.RequestAborted)).ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto));

        admin.MapPost("/users/{user}/deactivate", (string user, HttpContext context, AdministrationService administration) => SetDeactivatedAsync(user, context, administration, true));
        admin.MapPost("/users/{user}/reactivate", (string user, HttpContext context, AdministrationService administration) => SetDeactivatedAsync(user, context, administration, false));
        admin.MapPut("/users/{user}/server-admin", (string user, HttpContext context, AdministrationService administration) => SetServerAdminAsync(user, context, administration, true));
        admin.MapDelete("/users/{user}/server-admin", (string user, HttpContext context, AdministrationService administration) => SetServerAdminAsync(user, context, administration, false));

        // A lost authenticator: the account signs in with its password alone until it enrols again.
        admin.MapDelete("/users/{user}/two-factor", async (string user, HttpContext context, AdministrationService administration) =>
        {
            await administration.ResetTwoFactorAsync(context.Caller(), user, context.RequestAborted);
            return TypedResults.NoContent();
        });

        admin.MapGet("/audit", async (HttpContext context, AuditLog audit) =>
        {
            var query = context.Request.Query;
            var limit = context.Request.QueryInt("limit");
            var events = await audit.ListAsync(context.Caller(), query["before"].FirstOrDefault(), limit, query["user"].FirstOrDefault(), context.RequestAborted);
            var page = new AuditPage
            {
                Events = [.. events.Select(e => e.ToDto())],
                NextBefore = events.Count > 0 && events.Count == (limit ?? AuditLog.DefaultPageSize) ? events[^1].Id.ToString() : null,
            };
            return TypedResults.Json(page, TanagerJsonContext.Default.AuditPage);
        });

        admin.MapPost("/api-keys", async (HttpContext context, AdministrationService administration) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateTokenRequest);
            var (key, token) = await administration.CreateApiKeyAsync(context.Caller(), body.Name, context.RequestAborted);
            return TypedResults.Json(key.ToDto(token), TanagerJsonContext.Default.TokenDto, statusCode: StatusCodes.Status201Created);
        });

        admin.MapGet("/api-keys", async (HttpContext context, AdministrationService administration) =>
        {
            var keys = await administration.ListApiKeysAsync(context.Caller(), context.RequestAborted);
            return TypedResults.Json([.. keys.Select(k => k.ToDto())], TanagerJsonContext.Default.IReadOnlyListTokenDto);
        });

        admin.MapDelete("/api-keys/{keyId}", async (string keyId, HttpContext context, AdministrationService administration) =>
        {
            await administration.DeleteApiKeyAsync(context.Caller(), keyId, context.RequestAborted);
            return TypedResults.NoContent();
        });
    }

    private static async Task<IResult> SetDeactivatedAsync(string user, HttpContext context, AdministrationService administration, bool deactivated) =>
        TypedResults.Json((await administration.SetDeactivatedAsync(context.Caller(), user, deactivated, context.RequestAborted)).ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto);

    private static async Task<IResult> SetServerAdminAsync(string user, HttpContext context, AdministrationService administration, bool serverAdmin) =>
        TypedResults.Json((await administration.SetServerAdminAsync(context.Caller(), user, serverAdmin, context.RequestAborted)).ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto);
}
