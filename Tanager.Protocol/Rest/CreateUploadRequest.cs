namespace Tanager.Protocol;

/// <summary>Asks for an upload slot: the file is described first, then its bytes go straight to the returned URL.</summary>
public sealed record CreateUploadRequest
{
    public string? FileName { get; init; }
    /// <summary>A MIME type such as <c>image/png</c>; the PUT must send the same <c>Content-Type</c>.</summary>
    public string? ContentType { get; init; }
    /// <summary>Exact size in bytes; the upload must be exactly this long.</summary>
    public long? Size { get; init; }
}
