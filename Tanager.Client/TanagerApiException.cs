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
}
