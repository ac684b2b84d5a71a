using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Identities at outside providers linked to users (single sign-on).</summary>
public sealed partial class SqliteStore : IExternalLoginStore
{
    private const string ExternalLoginColumns = "provider, subject, user_id, email, created_at";

    public async ValueTask<bool> TryAddExternalLoginAsync(ExternalLogin login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO external_logins ({ExternalLoginColumns}) VALUES ($provider, $subject, $user, $email, $created)
            ON CONFLICT DO NOTHING
            """)
            .With("$provider", login.Provider).With("$subject", login.Subject).With("$user", Blob(login.UserId))
            .With("$email", login.Email).With("$created", Ticks(login.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<ExternalLogin?> FindExternalLoginAsync(string provider, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(subject);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ExternalLoginColumns} FROM external_logins WHERE provider = $provider AND subject = $subject")
            .With("$provider", provider).With("$subject", subject);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadExternalLogin(reader) : null;
    }

    public async ValueTask<IReadOnlyList<ExternalLogin>> ListExternalLoginsAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ExternalLoginColumns} FROM external_logins WHERE user_id = $user ORDER BY created_at, provider, subject")
            .With("$user", Blob(userId));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM external_logins WHERE user_id = $user AND provider = $provider")
            .With("$user", Blob(userId)).With("$provider", provider);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static ExternalLogin ReadExternalLogin(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetUlid(2), reader.GetTime(4)) { Email = reader.GetNullableString(3) };
}
