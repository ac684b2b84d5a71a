using System.Data.Common;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational;

/// <summary>The SQL dialects of Tanager's stores.</summary>
internal enum SqlDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One SQL store's database as linq2db sees it: the dialect (its provider) and how Tanager's values are stored in it
/// (the mapping schema), over connections the store opens. The two stores differ only here: SQLite keeps ids as 16-byte
/// blobs and times as UTC ticks; PostgreSQL keeps ids as uuids (the ULID's bytes, so uuid order is time order) and times
/// as <c>timestamptz</c>.
/// </summary>
internal sealed class RelationalDatabase
{
    private readonly IDataProvider _provider;
    private readonly MappingSchema _mapping;
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly SqlDialect _dialect;

    private RelationalDatabase(SqlDialect dialect, IDataProvider provider, MappingSchema mapping, Func<CancellationToken, Task<DbConnection>> open)
    {
        _dialect = dialect;
        _provider = provider;
        _mapping = mapping;
        _open = open;
    }

    /// <summary>The database of <paramref name="dialect"/>, over connections that <paramref name="open"/> opens.</summary>
    public static RelationalDatabase For(SqlDialect dialect, Func<CancellationToken, Task<DbConnection>> open) =>
        dialect == SqlDialect.Sqlite ? Sqlite(open) : Postgres(open);

    /// <summary>SQLite through Microsoft.Data.Sqlite; <paramref name="open"/> returns an open connection with the store's pragmas.</summary>
    private static RelationalDatabase Sqlite(Func<CancellationToken, Task<DbConnection>> open)
    {
        var mapping = new MappingSchema("tanager-sqlite");
        mapping.SetConvertExpression<Ulid, byte[]>(id => id.ToByteArray());
        mapping.SetConvertExpression<byte[], Ulid>(bytes => new Ulid(bytes));
        mapping.SetConvertExpression<Ulid, DataParameter>(id => new DataParameter { Value = id.ToByteArray(), DataType = DataType.VarBinary });
        mapping.SetDataType(typeof(Ulid), DataType.VarBinary);
        mapping.SetScalarType(typeof(Ulid));
        mapping.SetConvertExpression<DateTimeOffset, long>(time => time.UtcTicks);
        mapping.SetConvertExpression<long, DateTimeOffset>(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
        mapping.SetConvertExpression<DateTimeOffset, DataParameter>(time => new DataParameter { Value = time.UtcTicks, DataType = DataType.Int64 });
        mapping.SetDataType(typeof(DateTimeOffset), DataType.Int64);
        // A null list stays NULL (every scope), apart from an empty one ("[]", no scope).
        mapping.SetConvertExpression<string[]?, string?>(values => StringListJson.Write(values));
        mapping.SetConvertExpression<string?, string[]?>(json => StringListJson.Read(json));
        mapping.SetConvertExpression<string[]?, DataParameter>(values => new DataParameter { Value = StringListJson.Write(values), DataType = DataType.NVarChar });
        mapping.SetDataType(typeof(string[]), DataType.NVarChar);
        return new RelationalDatabase(SqlDialect.Sqlite, SQLiteTools.GetDataProvider(SQLiteProvider.Microsoft), mapping, open);
    }

    /// <summary>PostgreSQL (15 and later, Citus included) through Npgsql; <paramref name="open"/> returns an open connection of the store's data source.</summary>
    private static RelationalDatabase Postgres(Func<CancellationToken, Task<DbConnection>> open)
    {
        var mapping = new MappingSchema("tanager-postgresql");
        mapping.SetConvertExpression<Ulid, Guid>(id => new Guid(id.ToByteArray(), true));
        mapping.SetConvertExpression<Guid, Ulid>(uuid => new Ulid(uuid.ToByteArray(true)));
        mapping.SetConvertExpression<Ulid, DataParameter>(id => new DataParameter { Value = new Guid(id.ToByteArray(), true), DataType = DataType.Guid });
        mapping.SetDataType(typeof(Ulid), DataType.Guid);
        mapping.SetScalarType(typeof(Ulid));
        return new RelationalDatabase(SqlDialect.Postgres, PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15), mapping, open);
    }

    /// <summary>Runs <paramref name="work"/> on a connection of its own, closed afterwards.</summary>
    public async Task<T> RunAsync<T>(Func<DataConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var db = await ConnectAsync(cancellationToken);
        return await work(db);
    }

    /// <summary>A connection of its own, which the caller disposes (and with it the store's connection).</summary>
    public async Task<DataConnection> ConnectAsync(CancellationToken cancellationToken) =>
        new(new DataOptions().UseConnection(_provider, await _open(cancellationToken), disposeConnection: true).UseMappingSchema(_mapping));

    /// <summary>
    /// A transaction whose reads all see one moment: PostgreSQL's repeatable read; in SQLite every transaction does (WAL
    /// readers see a snapshot).
    /// </summary>
    public Task<DataConnectionTransaction> BeginSnapshotAsync(DataConnection db, CancellationToken cancellationToken) =>
        _dialect == SqlDialect.Postgres ? db.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken) : db.BeginTransactionAsync(cancellationToken);

    /// <summary>
    /// <see cref="InTransactionAsync"/> for work that reads, then writes, to keep a uniqueness other than the key: two at
    /// the same moment can both read nothing, and the second insert then breaks it. That one runs once more, and sees the row.
    /// </summary>
    public async Task<T> InTransactionRetriedOnceAsync<T>(Func<DataConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await InTransactionAsync(work, cancellationToken);
        }
        catch (DbException)
        {
            return await InTransactionAsync(work, cancellationToken);
        }
    }

    /// <summary>
    /// Inserts <paramref name="row"/>; false when that broke a uniqueness, told from any other failure (which is thrown)
    /// by <paramref name="taken"/>, which looks for the row holding the value.
    /// </summary>
    public Task<bool> TryInsertAsync<TRow>(TRow row, Func<DataConnection, Task<bool>> taken, CancellationToken cancellationToken)
        where TRow : notnull =>
        TryWriteAsync(db => db.InsertAsync(row, token: cancellationToken), taken, cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction; false, with nothing written, when it broke a uniqueness, told from
    /// any other failure (which is thrown) by <paramref name="taken"/>, which looks for the row holding the value.
    /// </summary>
    public async Task<bool> TryWriteAsync(Func<DataConnection, Task> write, Func<DataConnection, Task<bool>> taken, CancellationToken cancellationToken)
    {
        try
        {
            return await InTransactionAsync(async db =>
            {
                await write(db);
                return true;
            }, cancellationToken);
        }
        catch (DbException)
        {
            if (await RunAsync(taken, cancellationToken))
            {
                return false;
            }
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (SQLite: <c>BEGIN IMMEDIATE</c>, the writer's lock from the start).</summary>
    public Task<T> InTransactionAsync<T>(Func<DataConnection, Task<T>> work, CancellationToken cancellationToken) =>
        InTransactionCommittedIfAsync(work, _ => true, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one transaction, committed only when it returns true (otherwise rolled back: nothing it wrote stays).</summary>
    public Task<bool> InTransactionIfAsync(Func<DataConnection, Task<bool>> work, CancellationToken cancellationToken) =>
        InTransactionCommittedIfAsync(work, done => done, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one transaction, committed only when <paramref name="commit"/> says so of its result (otherwise rolled back).</summary>
    public Task<T> InTransactionCommittedIfAsync<T>(Func<DataConnection, Task<T>> work, Func<T, bool> commit, CancellationToken cancellationToken) =>
        RunAsync(async db =>
        {
            await using var transaction = await db.BeginTransactionAsync(cancellationToken);
            var result = await work(db);
            if (commit(result))
            {
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }
            return result;
        }, cancellationToken);
}

/// <summary>A list of strings as SQLite keeps it: a JSON array in a text column (PostgreSQL has text[]).</summary>
internal static class StringListJson
{
    public static string? Write(string[]? values) => values is null ? null : System.Text.Json.JsonSerializer.Serialize(values, StringListContext.Default.StringArray);

    public static string[]? Read(string? json) => json is null ? null : System.Text.Json.JsonSerializer.Deserialize(json, StringListContext.Default.StringArray);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StringListContext : System.Text.Json.Serialization.JsonSerializerContext;
