namespace Tanager;

/// <summary>
/// One row of a workspace archive: <see cref="Values"/> holds one value per column of <see cref="Table"/>, in its order,
/// as the column's <see cref="ArchiveColumnKind"/> says (null only where the column is nullable).
/// </summary>
public sealed record ArchiveRecord(ArchiveTable Table, IReadOnlyList<object?> Values);
