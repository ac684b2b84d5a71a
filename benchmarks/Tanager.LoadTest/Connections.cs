namespace Tanager.LoadTest;

internal static class Connections
{
    // Same bound as for opening: closing 1000 sockets at once would be a burst the server has to absorb too.
    private const int DisposeConcurrency = 50;

    public static Task DisposeAllAsync(IEnumerable<IAsyncDisposable> connections) =>
        Parallel.ForEachAsync(
            connections,
            new ParallelOptions { MaxDegreeOfParallelism = DisposeConcurrency },
            (connection, _) => connection.DisposeAsync());
}

internal static class WebSocketUris
{
    /// <summary>ws:// (or wss://) URI of <paramref name="path"/> under an http(s) base URL.</summary>
    public static Uri For(Uri baseUrl, string path)
    {
        var builder = new UriBuilder(new Uri(baseUrl, path))
        {
            Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return builder.Uri;
    }
}
