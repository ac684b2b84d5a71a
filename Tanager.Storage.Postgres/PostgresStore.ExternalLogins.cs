using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Identities at outside providers linked to users (single sign-on); global (a reference table).</summary>
public sealed partial class PostgresStore : IExternalLoginStore
{
    private const string ExternalLoginColumns = "provider, subject, user_id, email, created_at";

    public async ValueTask<bool> TryAddExternalLoginAsync(ExternalLogin login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        await using var command = Command($"INSERT INTO external_logins ({ExternalLoginColumns}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
            .With(login.Provider, login.Subject, Uuid(login.UserId), login.Email, login.CreatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<ExternalLogin?> FindExternalLoginAsync(string provider, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(subject);
        await using var command = Command($"SELECT {ExternalLoginColumns} FROM external_logins WHERE provider = $1 AND subject = $2").With(provider, subject);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadExternalLogin(reader) : null;
    }

    public async ValueTask<IReadOnlyList<ExternalLogin>> ListExternalLoginsAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {ExternalLoginColumns} FROM external_logins WHERE user_id = $1 ORDER BY created_at, provider, subject").With(Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var logins = new List<ExternalLogin>();
        while (await reader.ReadAsync(cancellationToken))
        {
            logins.Add(ReadExternalLogin(reader));
        }
        return logins;
    }

    public async ValueTask<bool> RemoveExternalLoginsAsync(Ulid userId, string provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        await using var command = Command("DELETE FROM external_logins WHERE user_id = $1 AND provider = $2").With(Uuid(userId), provider);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static ExternalLogin ReadExternalLogin(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetUlid(2), reader.GetTime(4)) { Email = reader.GetNullableString(3) };
}
