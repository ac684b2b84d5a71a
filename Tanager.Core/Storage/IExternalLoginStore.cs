using NUlid;

namespace Tanager;

/// <summary>Identities at outside providers linked to users. Global, like users (a Citus reference table).</summary>
public interface IExternalLoginStore
{
    /// <summary>Links an identity; false when this provider's subject is linked already (to anyone).</summary>
    ValueTask<bool> TryAddExternalLoginAsync(ExternalLogin login, CancellationToken cancellationToken = default);
    /// <summary>The link of this provider's subject (compared exactly); null when there is none.</summary>
    ValueTask<ExternalLogin?> FindExternalLoginAsync(string provider, string subject, CancellationToken cancellationToken = default);
    /// <summary>The user's linked identities, oldest first.</summary>
    ValueTask<IReadOnlyList<ExternalLogin>> ListExternalLoginsAsync(Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Removes the user's links to this provider; false when there was none.</summary>
    ValueTask<bool> RemoveExternalLoginsAsync(Ulid userId, string provider, CancellationToken cancellationToken = default);
}
