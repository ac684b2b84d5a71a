using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
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
        })
            .Describe("provisionUser", "Provision a user", "Creates an account whatever the registration policy: for invite-only servers and backends that provision their users.").Body<ProvisionUserRequest>().Produces<UserDto>(StatusCodes.Status201Created);

        admin.MapGet("/users/{user}", async (string user, HttpContext context, AdministrationService administration) =>
            TypedResults.Json((await administration.FindUserAsync(context.Caller(), user, context.RequestAborted)).ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto))
            .Describe("findUser", "Find a user", "By id or email.").Produces<UserDto>();

        admin.MapPost("/users/{user}/deactivate", (string user, HttpContext context, AdministrationService administration) => SetDeactivatedAsync(user, context, administration, true))
            .Describe("deactivateUser", "Deactivate a user", "Ends every session and token of the account at once; it can no longer sign in until reactivated.").Produces<UserDto>();
        admin.MapPost("/users/{user}/reactivate", (string user, HttpContext context, AdministrationService administration) => SetDeactivatedAsync(user, context, administration, false))
            .Describe("reactivateUser", "Reactivate a user").Produces<UserDto>();
        admin.MapPut("/users/{user}/server-admin", (string user, HttpContext context, AdministrationService administration) => SetServerAdminAsync(user, context, administration, true))
            .Describe("grantServerAdmin", "Make a server administrator").Produces<UserDto>();
        admin.MapDelete("/users/{user}/server-admin", (string user, HttpContext context, AdministrationService administration) => SetServerAdminAsync(user, context, administration, false))
            .Describe("revokeServerAdmin", "Stop being a server administrator").Produces<UserDto>();

        // A lost authenticator: the account signs in with its password alone until it enrols again.
        admin.MapDelete("/users/{user}/two-factor", async (string user, HttpContext context, AdministrationService administration) =>
        {
            await administration.ResetTwoFactorAsync(context.Caller(), user, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("resetTwoFactor", "Reset two-factor sign-in", "For a lost authenticator: the account signs in with its password alone until it enrols again.").Empty();

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
        })
            .Describe("listAuditEvents", "Audit log", "Security events, newest first: sign-ins, two-factor changes, sessions revoked, tokens and keys created and revoked, role and password changes, accounts.")
            .Query("limit", QueryType.Integer, "How many, 1 to 200 (default 50).")
            .Query("before", QueryType.String, "An event id: only older events (the previous page's next_before).")
            .Query("user", QueryType.String, "A user id: only events concerning that account.")
            .Produces<AuditPage>();

        admin.MapPost("/api-keys", async (HttpContext context, AdministrationService administration) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateTokenRequest);
            var (key, token) = await administration.CreateApiKeyAsync(context.Caller(), body.Name, context.RequestAborted);
            return TypedResults.Json(key.ToDto(token), TanagerJsonContext.Default.TokenDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createApiKey", "Create an API key", "Server power; the key is shown only here. Not with an API key.").Body<CreateTokenRequest>().Produces<TokenDto>(StatusCodes.Status201Created);

        admin.MapGet("/api-keys", async (HttpContext context, AdministrationService administration) =>
        {
            var keys = await administration.ListApiKeysAsync(context.Caller(), context.RequestAborted);
            return TypedResults.Json([.. keys.Select(k => k.ToDto())], TanagerJsonContext.Default.IReadOnlyListTokenDto);
        })
            .Describe("listApiKeys", "List API keys").Produces<IReadOnlyList<TokenDto>>();

        admin.MapDelete("/api-keys/{keyId}", async (string keyId, HttpContext context, AdministrationService administration) =>
        {
            await administration.DeleteApiKeyAsync(context.Caller(), keyId, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("deleteApiKey", "Delete an API key").Empty();
    }

    private static async Task<IResult> SetDeactivatedAsync(string user, HttpContext context, AdministrationService administration, bool deactivated) =>
        TypedResults.Json((await administration.SetDeactivatedAsync(context.Caller(), user, deactivated, context.RequestAborted)).ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto);

    private static async Task<IResult> SetServerAdminAsync(string user, HttpContext context, AdministrationService administration, bool serverAdmin) =>
        TypedResults.Json((await administration.SetServerAdminAsync(context.Caller(), user, serverAdmin, context.RequestAborted)).ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto);
}
