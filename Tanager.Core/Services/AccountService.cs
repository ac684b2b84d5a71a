using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Registration, login, bearer-token sessions and profiles.</summary>
public sealed class AccountService(IUserStore users, IWorkspaceStore workspaces, EventDispatcher events, PasswordHasher hasher, IOptions<TanagerOptions> options, TimeProvider time)
{
    /// <summary>Tokens carry 256 random bits; the prefix makes them easy to spot in a secret scanner.</summary>
    private const string TokenPrefix = "tgr_";
    private const int TokenBytes = 32;

    public async Task<(User User, string Token)> RegisterAsync(string? email, string? password, string? displayName, CancellationToken cancellationToken = default)
    {
        var validEmail = Validate.Email(email);
        var validPassword = Validate.Password(password);
        var validName = Validate.Text(displayName, "display_name", Validate.MaxDisplayNameLength);
        var now = time.UtcNow();
        var hash = await hasher.HashAsync(validPassword, cancellationToken);
        var user = new User(Ulid.NewUlid(now), validEmail, validName, hash, now, now);
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.EmailTaken, "An account with this email exists.");
        }
        return (user, await StartSessionAsync(user.Id, cancellationToken));
    }

    public async Task<(User User, string Token)> LoginAsync(string? email, string? password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || password.Length > Validate.MaxPasswordLength)
        {
            throw TanagerException.Invalid("email and password are required.");
        }
        var user = await users.FindByEmailAsync(email.Trim(), cancellationToken);
        if (!await hasher.VerifyAsync(user?.PasswordHash, password, cancellationToken) || user is null)
        {
            throw TanagerException.Unauthorized(ErrorCodes.InvalidCredentials, "Email or password is wrong.");
        }
        return (user, await StartSessionAsync(user.Id, cancellationToken));
    }

    public async Task LogoutAsync(string token, CancellationToken cancellationToken = default)
    {
        await users.DeleteSessionAsync(HashToken(token), cancellationToken);
    }

    /// <summary>The user a bearer token belongs to, or null when the token is unknown or expired.</summary>
    public async Task<User?> AuthenticateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return null;
        }
        var signedIn = await users.GetSessionAsync(HashToken(token), cancellationToken);
        return signedIn is null || signedIn.Session.ExpiresAt <= time.UtcNow() ? null : signedIn.User;
    }

    public async Task<User> GetUserAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        return await users.GetAsync(userId, cancellationToken) ?? throw TanagerException.NotFound("User");
    }

    /// <summary>
    /// Changes the caller's profile: null leaves a field as it is, an empty string removes an optional one. Announces
    /// USER_UPDATE to every workspace the user belongs to and to the user's own connections.
    /// </summary>
    public async Task<User> UpdateProfileAsync(Ulid callerId, string? displayName, string? avatarUrl, string? statusText, string? statusEmoji, CancellationToken cancellationToken = default)
    {
        var validName = displayName is null ? null : Validate.Text(displayName, "display_name", Validate.MaxDisplayNameLength);
        var validAvatar = Validate.AvatarUrl(avatarUrl);
        var validStatus = Validate.ClearableText(statusText, "status_text", Validate.MaxStatusTextLength);
        var validEmoji = Validate.StatusEmoji(statusEmoji);
        var user = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("User");
        var changed = user with
        {
            DisplayName = validName ?? user.DisplayName,
            AvatarUrl = Cleared(validAvatar, user.AvatarUrl),
            StatusText = Cleared(validStatus, user.StatusText),
            StatusEmoji = Cleared(validEmoji, user.StatusEmoji),
            UpdatedAt = time.UtcNow(),
        };
        if (!await users.UpdateProfileAsync(changed, cancellationToken))
        {
            throw TanagerException.NotFound("User");
        }
        var subjects = (await workspaces.ListForUserAsync(callerId, cancellationToken)).Select(p => Subjects.Workspace(p.Workspace.Id)).Prepend(Subjects.User(callerId)).ToList();
        await events.DispatchAsync(subjects, GatewayEvents.UserUpdate, changed.ToDto(), TanagerJsonContext.Default.UserDto, cancellationToken);
        return changed;

        static string? Cleared(string? given, string? current) => given is null ? current : given.Length == 0 ? null : given;
    }

    private async Task<string> StartSessionAsync(Ulid userId, CancellationToken cancellationToken)
    {
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));
        var now = time.UtcNow();
        await users.CreateSessionAsync(new UserSession(Ulid.NewUlid(now), HashToken(token), userId, CredentialKind.Login, now, now + options.Value.SessionLifetime), cancellationToken);
        return token;
    }

    private static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
