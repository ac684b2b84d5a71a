namespace Tanager;

/// <summary>What a column of a workspace archive holds, and so which .NET value stands for it in an <see cref="ArchiveRecord"/>.</summary>
public enum ArchiveColumnKind
{
    /// <summary>A ULID (<see cref="NUlid.Ulid"/>).</summary>
    Id,

    /// <summary>A <see cref="string"/>.</summary>
    Text,

    /// <summary>A <see cref="long"/>.</summary>
    Integer,

    /// <summary>A <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>A UTC <see cref="DateTimeOffset"/>.</summary>
    Time,

    /// <summary>A JSON document as its text (<see cref="string"/>).</summary>
    Json,
}
