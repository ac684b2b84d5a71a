namespace Tanager;

/// <summary>A request refused by a Core service. <see cref="Code"/> is one of <see cref="Protocol.ErrorCodes"/>.</summary>
public sealed class TanagerException : Exception
{
    public TanagerException(TanagerErrorKind kind, string code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    public TanagerException()
        : this(TanagerErrorKind.InvalidRequest, Protocol.ErrorCodes.InvalidRequest, "Invalid request.")
    {
    }

    public TanagerException(string message)
        : this(TanagerErrorKind.InvalidRequest, Protocol.ErrorCodes.InvalidRequest, message)
    {
    }

    public TanagerException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = TanagerErrorKind.InvalidRequest;
        Code = Protocol.ErrorCodes.InvalidRequest;
    }

    public TanagerErrorKind Kind { get; }
    public string Code { get; }

    /// <summary>When the client may try again (sent as <c>Retry-After</c>); null when retrying would not help.</summary>
    public TimeSpan? RetryAfter { get; init; }

    internal static TanagerException Invalid(string message) => new(TanagerErrorKind.InvalidRequest, Protocol.ErrorCodes.InvalidRequest, message);
    /// <summary>Not found, and also what a caller without access sees, so that ids from elsewhere reveal nothing.</summary>
    internal static TanagerException NotFound(string what) => new(TanagerErrorKind.NotFound, Protocol.ErrorCodes.NotFound, $"{what} not found.");
    internal static TanagerException Forbidden(string message) => new(TanagerErrorKind.Forbidden, Protocol.ErrorCodes.Forbidden, message);
    internal static TanagerException Conflict(string code, string message) => new(TanagerErrorKind.Conflict, code, message);
    internal static TanagerException TooLarge(string code, string message) => new(TanagerErrorKind.TooLarge, code, message);
    internal static TanagerException UnsupportedMediaType(string message) => new(TanagerErrorKind.UnsupportedMediaType, Protocol.ErrorCodes.UnsupportedContentType, message);
    /// <summary>503: the work is refused for now; <see cref="RetryAfter"/> says when to try again.</summary>
    internal static TanagerException Unavailable(string code, string message, TimeSpan retryAfter) =>
        new(TanagerErrorKind.Unavailable, code, message) { RetryAfter = retryAfter };
    internal static TanagerException Unauthorized(string code, string message) => new(TanagerErrorKind.Unauthorized, code, message);
}
