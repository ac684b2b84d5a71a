namespace Tanager;

/// <summary>A column of a workspace archive table: the store's column name, which is also the key in an export's JSON line.</summary>
public sealed record ArchiveColumn(string Name, ArchiveColumnKind Kind, bool Nullable = false);
