namespace Tanager.Client;

/// <summary>A REST call the server refused: the HTTP status and the problem document's <c>code</c> and <c>detail</c>.</summary>
public class TanagerApiException : Exception
{
    public TanagerApiException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public TanagerApiException()
        : this(0, "unknown", "The request failed.")
    {
    }

    public TanagerApiException(string message)
        : this(0, "unknown", message)
    {
    }

    public TanagerApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "unknown";
    }

    public int Status { get; }
    public string Code { get; } = "unknown";

    /// <summary>
    /// How long the server asked to wait before trying again (<c>Retry-After</c> of a 429 or 503), when it said. The
    /// client waits out short ones itself; this is set when the wait was longer than it waits, or retries ran out.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}
