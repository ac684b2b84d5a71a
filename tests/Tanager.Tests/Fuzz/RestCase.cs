using System.Text;
using System.Text.RegularExpressions;

namespace Tanager.Tests.Fuzz;

/// <summary>Which credential a fuzzed request carries.</summary>
internal enum FuzzAuth
{
    Session,
    Bot,
    ApiKey,
    None,
    Garbage,
}

/// <summary>
/// One generated REST request. Path values and query parts are kept as sent (already percent-encoded, or deliberately
/// not) so that the printed case is the request on the wire.
/// </summary>
internal sealed partial record RestCase(
    string Route,
    string Method,
    string Pattern,
    IReadOnlyList<KeyValuePair<string, string>> PathValues,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    FuzzAuth Auth,
    string? AuthHeader,
    string? ActAs,
    string? ContentType,
    byte[]? Body,
    string BodyKind)
{
    public string PathAndQuery
    {
        get
        {
            var values = PathValues.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var path = ParameterPattern().Replace(Pattern, m => values.TryGetValue(m.Groups["name"].Value, out var v) ? v : m.Value);
            return Query.Count == 0 ? path : path + "?" + string.Join('&', Query.Select(q => q.Value.Length == 0 && q.Key.EndsWith('=') ? q.Key : $"{q.Key}={q.Value}"));
        }
    }

    public override string ToString()
    {
        var auth = Auth switch
        {
            FuzzAuth.Garbage => $"Authorization: {Preview(Encoding.UTF8.GetBytes(AuthHeader ?? ""), 120)}",
            FuzzAuth.ApiKey => "Authorization: Bearer <api key>" + (ActAs is null ? "" : $", Tanager-Act-As: {Preview(Encoding.UTF8.GetBytes(ActAs), 80)}"),
            FuzzAuth.None => "no Authorization",
            _ => $"Authorization: Bearer <{Auth.ToString().ToLowerInvariant()} token>",
        };
        var body = Body is null ? "no body" : $"Content-Type: {ContentType ?? "(none)"}, body ({BodyKind}, {Body.Length} bytes): {Preview(Body, 600)}";
        return $"{Method} {Preview(Encoding.UTF8.GetBytes(PathAndQuery), 600)} [{Route}] {auth}; {body}";
    }

    /// <summary>Bytes as readable text: non-ASCII and control bytes escaped, long input cut.</summary>
    public static string Preview(byte[] bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes.Take(max))
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }
        if (bytes.Length > max)
        {
            text.Append($"…(+{bytes.Length - max} bytes)");
        }
        return text.ToString();
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>\w+)(:[^}]*)?\??\}")]
    public static partial Regex ParameterPattern();
}
