using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class AccountEndpoints
{
    public static void MapAnonymous(RouteGroupBuilder api)
    {
        api.MapPost("/auth/register", async (HttpRequest request, AccountService accounts) =>
        {
            var body = await request.ReadJsonAsync(TanagerJsonContext.Default.RegisterRequest);
            var (user, token) = await accounts.RegisterAsync(body.Email, body.Password, body.DisplayName, request.HttpContext.RequestAborted);
            return TypedResults.Json(new SessionResponse { Token = token, User = user.ToDto(includeEmail: true) }, TanagerJsonContext.Default.SessionResponse, statusCode: StatusCodes.Status201Created);
        });

        api.MapPost("/auth/login", async (HttpRequest request, AccountService accounts) =>
        {
            var body = await request.ReadJsonAsync(TanagerJsonContext.Default.LoginRequest);
            var (user, token) = await accounts.LoginAsync(body.Email, body.Password, request.HttpContext.RequestAborted);
            return TypedResults.Json(new SessionResponse { Token = token, User = user.ToDto(includeEmail: true) }, TanagerJsonContext.Default.SessionResponse);
        });
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/auth/logout", async (HttpContext context, AccountService accounts) =>
        {
            await accounts.LogoutAsync(context.Caller().Token, context.RequestAborted);
            return TypedResults.NoContent();
        });

        api.MapGet("/users/me", (HttpContext context) =>
            TypedResults.Json(context.Caller().User.ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto));

        api.MapPatch("/users/me", async (HttpContext context, AccountService accounts) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.UpdateProfileRequest);
            var user = await accounts.UpdateProfileAsync(context.Caller().UserId, body.DisplayName, body.AvatarUrl, body.StatusText, body.StatusEmoji, context.RequestAborted);
            return TypedResults.Json(user.ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto);
        });
    }
}
