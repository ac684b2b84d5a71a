using NUlid;
using Tanager.Protocol;

namespace Tanager.Internal;

/// <summary>SESSION_REVOKED on the user's own subject: every node closes the connections made with those credentials.</summary>
internal static class Revocation
{
    /// <summary>Announces that <paramref name="credentialIds"/> (or, with <paramref name="all"/>, every credential) of the user are gone.</summary>
    public static async ValueTask AnnounceRevokedAsync(this EventDispatcher events, Ulid userId, IReadOnlyList<Ulid> credentialIds, bool all, CancellationToken cancellationToken)
    {
        if (credentialIds.Count == 0 && !all)
        {
            return;
        }
        var revocation = new SessionRevocationDto { SessionIds = all ? null : [.. credentialIds.Select(id => id.ToString())], All = all };
        var header = new EventHeader { Name = GatewayEvents.SessionRevoked, Scope = EventScope.User, UserId = userId, Control = SessionControl.Revoked, Credentials = all ? [] : credentialIds };
        await events.PublishAsync(header, revocation, TanagerJsonContext.Default.SessionRevocationDto, cancellationToken);
    }
}
