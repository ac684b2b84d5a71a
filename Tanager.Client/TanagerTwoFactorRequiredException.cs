using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>
/// The password was right and the account signs in with a second factor: complete the login with
/// <see cref="TanagerClient.CompleteLoginAsync"/> and <see cref="Challenge"/> within <see cref="ExpiresIn"/>.
/// </summary>
public sealed class TanagerTwoFactorRequiredException : TanagerApiException
{
    public TanagerTwoFactorRequiredException(string challenge, TimeSpan expiresIn, string message)
        : base(401, ErrorCodes.TwoFactorRequired, message)
    {
        Challenge = challenge;
        ExpiresIn = expiresIn;
    }

    public TanagerTwoFactorRequiredException()
        : this("", TimeSpan.Zero, "A second factor is required.")
    {
    }

    public TanagerTwoFactorRequiredException(string message)
        : this("", TimeSpan.Zero, message)
    {
    }

    public TanagerTwoFactorRequiredException(string message, Exception innerException)
        : base(message, innerException)
    {
        Challenge = "";
    }

    /// <summary>The single-use challenge to send back with the code; stored by the server only as a hash.</summary>
    public string Challenge { get; }

    /// <summary>How long the challenge stays good.</summary>
    public TimeSpan ExpiresIn { get; }
}
