namespace Tanager;

/// <summary>What kind of refusal a <see cref="TanagerException"/> is; adapters map it to a status code.</summary>
public enum TanagerErrorKind
{
    InvalidRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    /// <summary>The thing existed but can no longer be used (an expired, used-up or revoked invite).</summary>
    Gone,
    /// <summary>Too big: a file over the maximum size, or over the workspace's quota (413).</summary>
    TooLarge,
    /// <summary>A content type the server does not accept (415).</summary>
    UnsupportedMediaType,
    /// <summary>The server is at a capacity limit for this kind of work; the client should retry after a moment (503 with Retry-After).</summary>
    Unavailable,
    /// <summary>Another system the request depended on failed it: a slash command's URL did not answer usefully (502).</summary>
    BadGateway,
}
