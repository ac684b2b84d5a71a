using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class AccountEndpoints
{
    public static void MapAnonymous(RouteGroupBuilder api, RequestThrottle throttle)
    {
        api.MapPost("/auth/register", async Task<IResult> (HttpContext context, AccountService accounts) =>
        {
            if (throttle.Register(context) is { } wait)
            {
                return await throttle.RefuseSignInAsync(context, wait, "registrations from this address");
            }
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.RegisterRequest);
            var (user, token) = await accounts.RegisterAsync(body.Email, body.Password, body.DisplayName, body.InviteCode, context.Client(), context.RequestAborted);
            return TypedResults.Json(new SessionResponse { Token = token, User = user.ToDto(includeEmail: true) }, TanagerJsonContext.Default.SessionResponse, statusCode: StatusCodes.Status201Created);
        })
            .Describe("register", "Register", "Creates an account and signs it in (the user includes its email), unless the server's registration policy refuses it.")
            .Body<RegisterRequest>().Produces<SessionResponse>(StatusCodes.Status201Created);

        api.MapPost("/auth/login", async Task<IResult> (HttpContext context, AccountService accounts) =>
        {
            // Before the password is hashed: a refused attempt costs no Argon2 work and tells nothing about the password.
            // The address is checked before the body is even read: in a flood most attempts end there, cheaply.
            if (throttle.LoginAddress(context) is { } addressWait)
            {
                return await throttle.RefuseSignInAsync(context, addressWait, "sign-in attempts");
            }
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.LoginRequest);
            if (throttle.LoginAccount(context, body.Email) is { } wait)
            {
                return await throttle.RefuseSignInAsync(context, wait, "sign-in attempts");
            }
            var result = await accounts.LoginAsync(body.Email, body.Password, context.Client(), context.RequestAborted);
            return SessionOrChallenge(result);
        })
            .Describe("login", "Log in", "Signs in with email and password. An account with two-factor sign-in answers 401 two_factor_required instead, with a `challenge` (and `expires_in`) to send with a code to POST /auth/login/two-factor.")
            .Body<LoginRequest>().Produces<SessionResponse>();

        api.MapPost("/auth/login/two-factor", async (HttpContext context, AccountService accounts) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.TwoFactorCodeRequest);
            // Not throttled here: each challenge takes one attempt, and each challenge takes a throttled password login.
            var (user, token) = await accounts.CompleteTwoFactorLoginAsync(body.Challenge, body.Code, body.RecoveryCode, context.Client(), context.RequestAborted);
            return TypedResults.Json(new SessionResponse { Token = token, User = user.ToDto(includeEmail: true) }, TanagerJsonContext.Default.SessionResponse);
        })
            .Describe("loginTwoFactor", "Complete a two-factor sign-in", "Sends the challenge from POST /auth/login with a code from the authenticator app, or a recovery code.")
            .Body<TwoFactorCodeRequest>().Produces<SessionResponse>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/auth/logout", async (HttpContext context, AccountService accounts) =>
        {
            await accounts.LogoutAsync(context.Caller(), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("logout", "Log out", "Ends the session that makes the request.").Empty();

        api.MapGet("/auth/sessions", async (HttpContext context, AccountService accounts) =>
            TypedResults.Json(await accounts.ListSessionsAsync(context.Caller(), context.RequestAborted), TanagerJsonContext.Default.IReadOnlyListSessionDto))
            .Describe("listSessions", "List sessions", "The account's login sessions, with each one's client; needs a login session.").Produces<IReadOnlyList<SessionDto>>();

        api.MapDelete("/auth/sessions/{sessionId}", async (string sessionId, HttpContext context, AccountService accounts) =>
        {
            await accounts.RevokeSessionAsync(context.Caller(), sessionId, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("revokeSession", "Sign a session out").Empty();

        // Signs out everywhere else: every session but the one making the request.
        api.MapDelete("/auth/sessions", async (HttpContext context, AccountService accounts) =>
        {
            await accounts.RevokeOtherSessionsAsync(context.Caller(), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("revokeOtherSessions", "Sign out everywhere else", "Ends every session of the account but the one making the request.").Empty();

        api.MapPost("/auth/password", async (HttpContext context, AccountService accounts) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.ChangePasswordRequest);
            await accounts.ChangePasswordAsync(context.Caller(), body.CurrentPassword, body.NewPassword, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("changePassword", "Change the password", "Needs the current password; signs out every other session.").Body<ChangePasswordRequest>().Empty();

        api.MapGet("/auth/two-factor", async (HttpContext context, AccountService accounts) =>
            TypedResults.Json(await accounts.GetTwoFactorStatusAsync(context.Caller(), context.RequestAborted), TanagerJsonContext.Default.TwoFactorStatusDto))
            .Describe("getTwoFactorStatus", "Two-factor status").Produces<TwoFactorStatusDto>();

        api.MapPost("/auth/two-factor", async (HttpContext context, AccountService accounts) =>
            TypedResults.Json(await accounts.BeginTwoFactorEnrollmentAsync(context.Caller(), context.RequestAborted), TanagerJsonContext.Default.TwoFactorEnrollmentDto))
            .Describe("beginTwoFactorEnrollment", "Enrol in two-factor sign-in", "Starts an enrolment: the secret and its QR code for the authenticator app. It takes effect when confirmed with a code.").Produces<TwoFactorEnrollmentDto>();

        api.MapPost("/auth/two-factor/confirm", async (HttpContext context, AccountService accounts) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.TwoFactorCodeRequest);
            return TypedResults.Json(await accounts.ConfirmTwoFactorAsync(context.Caller(), body.Code, context.Client(), context.RequestAborted), TanagerJsonContext.Default.RecoveryCodesDto);
        })
            .Describe("confirmTwoFactor", "Confirm two-factor sign-in", "Turns two-factor sign-in on with a first code, and answers the recovery codes (shown once).").Body<TwoFactorCodeRequest>().Produces<RecoveryCodesDto>();

        api.MapPost("/auth/two-factor/disable", async (HttpContext context, AccountService accounts) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.TwoFactorCodeRequest);
            await accounts.DisableTwoFactorAsync(context.Caller(), body.Password, body.Code, body.RecoveryCode, context.Client(), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("disableTwoFactor", "Turn two-factor sign-in off", "Needs the password and a code (or a recovery code).").Body<TwoFactorCodeRequest>().Empty();

        api.MapPost("/gateway/ticket", async (HttpContext context, AccountService accounts) =>
        {
            var (ticket, expiresIn) = await accounts.IssueGatewayTicketAsync(context.Caller(), context.RequestAborted);
            return TypedResults.Json(new GatewayTicketDto { Ticket = ticket, ExpiresIn = (int)expiresIn.TotalSeconds }, TanagerJsonContext.Default.GatewayTicketDto);
        })
            .Describe("createGatewayTicket", "Get a gateway ticket", "A single-use, short-lived credential for the gateway or for ?access_token= on the event stream, so that no long-lived token goes into a URL.").Produces<GatewayTicketDto>();

        api.MapGet("/users/me", (HttpContext context) =>
            TypedResults.Json(context.Caller().User.ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto))
            .Describe("getCurrentUser", "Current user").Produces<UserDto>();

        api.MapPatch("/users/me", async (HttpContext context, AccountService accounts) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.UpdateProfileRequest);
            var user = await accounts.UpdateProfileAsync(context.Caller().UserId, body.DisplayName, body.AvatarUrl, body.StatusText, body.StatusEmoji, context.RequestAborted);
            return TypedResults.Json(user.ToDto(includeEmail: true), TanagerJsonContext.Default.UserDto);
        })
            .Describe("updateProfile", "Change the profile", "Display name, avatar URL and status; absent fields stay as they are.").Body<UpdateProfileRequest>().Produces<UserDto>();
    }

    /// <summary>A login's answer: the session, or, for an account with two-factor sign-in, the challenge to complete it with.</summary>
    public static IResult SessionOrChallenge(LoginResult result)
    {
        if (result.Challenge is { } challenge)
        {
            // Not signed in yet: a 401 that a client unaware of two-factor sign-in treats as a failed login, with the
            // challenge to send back with the code to POST /auth/login/two-factor.
            return ProblemFilter.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.TwoFactorRequired, "This account signs in with a second factor: send the challenge with a code from the authenticator app (or a recovery code) to /auth/login/two-factor.", new Dictionary<string, object?>
            {
                ["challenge"] = challenge,
                ["expires_in"] = (int)result.ChallengeExpiresIn.TotalSeconds,
            });
        }
        return TypedResults.Json(new SessionResponse { Token = result.Token!, User = result.User.ToDto(includeEmail: true) }, TanagerJsonContext.Default.SessionResponse);
    }
}
