namespace Tanager.Server.DataMigration;

/// <summary>
/// What a table holds, independent of row order: the row count and the sums (mod 2^64) of each row's hash over its
/// canonical values (<see cref="ColumnValues"/>). Two tables with equal digests hold the same rows; reading both in full
/// needs no common order, which SQLite's byte-wise and PostgreSQL's collated sorting would not give.
/// </summary>
internal readonly record struct TableDigest(long Rows, ulong Sum1, ulong Sum2)
{
    public TableDigest Add((ulong First, ulong Second) hash) => new(Rows + 1, unchecked(Sum1 + hash.First), unchecked(Sum2 + hash.Second));
}
