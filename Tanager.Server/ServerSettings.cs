namespace Tanager.Server;

/// <summary>What the command line decided.</summary>
internal sealed record ServerSettings(Uri Listen)
{
    public static Uri? ParseListen(string? value)
    {
        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttp
            && !string.IsNullOrEmpty(uri.Host)
            && uri.IsDefaultPort == false
            && uri.AbsolutePath == "/"
            ? uri
            : null;
    }
}
