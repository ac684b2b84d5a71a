using NUlid;

namespace Tanager;

/// <summary>Users and their login sessions. Users are global (a Citus reference table).</summary>
public interface IUserStore
{
    /// <summary>Adds a user; false when the (case-insensitive) email is taken.</summary>
    ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default);
    ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Finds a user by email, compared case-insensitively.</summary>
    ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default);
    ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default);
    /// <summary>The session with this token hash and its user, in one lookup; null when there is none.</summary>
    ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default);
    ValueTask DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default);
    /// <summary>Writes the user's display name, avatar URL, status text and emoji and updated time; false when there is no such user.</summary>
    ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default);
}
