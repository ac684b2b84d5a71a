using System.Reflection;

namespace Tanager.Tests;

/// <summary>ARCHITECTURE §1: which package may reference which, checked on the compiled assemblies.</summary>
public sealed class DependencyRulesTests
{
    private static readonly string[] Bcl = ["System", "System.*", "netstandard", "mscorlib", "Microsoft.Win32.*"];

    // IOptions<T> has no abstractions package: Microsoft.Extensions.Options (with Primitives) is the smallest home it has.
    private static readonly string[] ExtensionAbstractions = ["Microsoft.Extensions.*.Abstractions", "Microsoft.Extensions.Options", "Microsoft.Extensions.Primitives"];

    /// <summary>Names the BCL patterns would admit but a package must still not use.</summary>
    private static readonly string[] TransportTypes = ["System.Net.WebSockets", "System.Net.Http", "System.Net.Sockets"];

    public static TheoryData<string, string[], string[]> Rules => new()
    {
        { "Tanager.Protocol", Bcl, TransportTypes },
        // Otp.NET and QRCoder: two-factor sign-in (RFC 6238 codes, the enrolment QR code); both MIT, managed only.
        // MailKit and MimeKit: email notifications over SMTP (MIT, managed only).
        // Core serves no transport (no WebSockets); it may call out, as the email notifier does over SMTP: outgoing webhooks
        // POST with HttpClient and pin the checked address with a Socket. Only their sender does (the test below), slash commands
        // routed to a URL included: they call out through it, so one client and one address check cover every request Core sends.
        // Lib.Net.Http.WebPush: Web Push's protocol, VAPID and message encryption (RFC 8030, 8292, 8291; MIT, managed only).
        { "Tanager.Core", [.. Bcl, .. ExtensionAbstractions, "Tanager.Protocol", "NUlid", "Geralt", "Otp.NET", "QRCoder", "MailKit", "MimeKit", "Lib.Net.Http.WebPush"], ["System.Net.WebSockets"] },
        { "Tanager.Transport.WebSockets", [.. Bcl, .. ExtensionAbstractions, "Tanager.Protocol", "Tanager.Core"], ["System.Net.WebSockets"] },
        // Microsoft.IdentityModel.*: the token validation library under ASP.NET Core's OpenID Connect handler (single sign-on).
        // Microsoft.OpenApi: the object model of ASP.NET Core's OpenAPI support (Microsoft.AspNetCore.OpenApi), for AddOpenApiDocument.
        { "Tanager.AspNetCore", [.. Bcl, .. ExtensionAbstractions, "Microsoft.AspNetCore.*", "Microsoft.Extensions.*", "Microsoft.IdentityModel.*", "Microsoft.OpenApi", "NUlid", "Tanager.Protocol", "Tanager.Core", "Tanager.Transport.WebSockets"], [] },
        { "Tanager.Client", [.. Bcl, "Tanager.Protocol"], [] },
        // The web client's components: Blazor and the SDK, never the server engine.
        { "Tanager.Web", [.. Bcl, "Microsoft.AspNetCore.Components*", "Microsoft.JSInterop", "Tanager.Protocol", "Tanager.Client"], ["Tanager.Core", "Tanager.AspNetCore"] },
        // Adapters: Core and their own SDK, never each other.
        // The SQL stores share their non-hot operations (Tanager.Storage.Relational, on linq2db), which knows neither driver.
        // SQLitePCLRaw.core: Microsoft.Data.Sqlite's own binding, whose handle type (`SqliteConnection.Handle`) keys the
        // store's once-per-handle PRAGMAs.
        { "Tanager.Storage.Sqlite", [.. Bcl, .. ExtensionAbstractions, "Tanager.Protocol", "Tanager.Core", "NUlid", "Microsoft.Data.Sqlite", "SQLitePCLRaw.core", "Tanager.Storage.Relational", "linq2db"], ["Tanager.Storage.Postgres", "Npgsql"] },
        { "Tanager.Storage.Postgres", [.. Bcl, .. ExtensionAbstractions, "Tanager.Protocol", "Tanager.Core", "NUlid", "Npgsql", "Tanager.Storage.Relational", "linq2db"], ["Tanager.Storage.Sqlite", "Microsoft.Data.Sqlite"] },
        { "Tanager.Storage.Relational", [.. Bcl, "Tanager.Core", "NUlid", "linq2db"], ["Tanager.Storage.Sqlite", "Tanager.Storage.Postgres", "Npgsql", "Microsoft.Data.Sqlite"] },
        // NATS.Client.Core, not the NATS.Net meta-package (JetStream, key/value and object store are not used).
        { "Tanager.PubSub.Nats", [.. Bcl, .. ExtensionAbstractions, "Tanager.Protocol", "Tanager.Core", "NATS.Client.Core", "NATS.Client.Abstractions"], ["Tanager.Storage.Sqlite", "Tanager.Storage.Postgres", "Npgsql", "Microsoft.Data.Sqlite", "NATS.Client.JetStream", "NATS.Net"] },
        { "Tanager.FileStore.S3", [.. Bcl, .. ExtensionAbstractions, "Tanager.Protocol", "Tanager.Core", "AWSSDK.Core", "AWSSDK.S3"], ["Tanager.Storage.Sqlite", "Tanager.Storage.Postgres", "Tanager.PubSub.Nats", "Npgsql"] },
        // Decoding and encoding only: no file store, no storage, no HTTP.
        { "Tanager.Imaging.Skia", [.. Bcl, "Tanager.Core", "SkiaSharp"], ["Tanager.FileStore.S3", "Tanager.Storage.Sqlite", "Tanager.Storage.Postgres", .. TransportTypes] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Package_references_only_what_the_architecture_allows(string assemblyName, string[] allowed, string[] forbidden)
    {
        var references = Assembly.Load(assemblyName).GetReferencedAssemblies().Select(r => r.Name!).ToList();
        var violations = references
            .Where(name => forbidden.Contains(name) || !allowed.Any(pattern => Matches(name, pattern)))
            .ToList();
        Assert.True(violations.Count == 0, $"{assemblyName} references {string.Join(", ", violations)}");
        Assert.NotEmpty(references);
    }

    [Theory]
    [InlineData("Tanager.Core", "Microsoft.AspNetCore.Http.Abstractions")]
    [InlineData("Tanager.Core", "Npgsql")]
    [InlineData("Tanager.Client", "Tanager.Core")]
    [InlineData("Tanager.Web", "Tanager.Core")]
    [InlineData("Tanager.Protocol", "Tanager.Core")]
    [InlineData("Tanager.Transport.WebSockets", "Microsoft.AspNetCore.Http")]
    [InlineData("Tanager.Storage.Sqlite", "Tanager.Storage.Postgres")]
    [InlineData("Tanager.Storage.Postgres", "Microsoft.Data.Sqlite")]
    [InlineData("Tanager.Core", "NATS.Client.Core")]
    [InlineData("Tanager.PubSub.Nats", "Tanager.Storage.Postgres")]
    [InlineData("Tanager.PubSub.Nats", "NATS.Client.JetStream")]
    [InlineData("Tanager.Core", "AWSSDK.S3")]
    [InlineData("Tanager.FileStore.S3", "Tanager.Storage.Postgres")]
    [InlineData("Tanager.Core", "SkiaSharp")]
    [InlineData("Tanager.Imaging.Skia", "AWSSDK.S3")]
    public void The_rules_refuse_a_reference_that_breaks_the_architecture(string assemblyName, string reference)
    {
        var allowed = (string[])Rules.Single(row => (string)row[0] == assemblyName)[1];
        Assert.DoesNotContain(allowed, pattern => Matches(reference, pattern));
    }

    private static bool Matches(string name, string pattern)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return name == pattern;
        }
        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return name.Length >= prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The places in Core that make HTTP requests and open sockets: <c>WebhookAddress.CreateClient</c>, the one HTTP client
    /// with the address checks (no redirects, public addresses only, checked again after DNS), and the outgoing webhook
    /// sender, which sends deliveries and URL commands through it, and the push notifier, which holds such a client and
    /// hands it to Lib.Net.Http.WebPush for push services (see the rule above).
    /// </summary>
    [Fact]
    public void In_Core_only_the_webhook_sender_and_the_push_notifier_call_out_and_only_through_the_checked_client()
    {
        var core = Path.Combine(Tanager.Tests.Infrastructure.Repository.Root, "Tanager.Core");
        var pattern = new System.Text.RegularExpressions.Regex(@"\b(HttpClient|HttpRequestMessage|HttpMessageHandler|SocketsHttpHandler|Socket|TcpClient|TcpListener|HttpListener|NetworkStream)\b");
        var sources = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(core, f).Replace('\\', '/'), File.ReadAllText);
        var users = sources.Where(s => pattern.IsMatch(s.Value)).Select(s => s.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["Internal/OutgoingWebhookSender.cs", "Internal/WebPushNotifier.cs", "Internal/WebhookAddress.cs"], users);
        // Every client is the checked one: only WebhookAddress makes a handler or a client.
        var makers = new System.Text.RegularExpressions.Regex(@"new (HttpClient|SocketsHttpHandler|HttpClientHandler)\b");
        Assert.Equal(["Internal/WebhookAddress.cs"], sources.Where(s => makers.IsMatch(s.Value)).Select(s => s.Key));
    }
}
