using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Reads what a request carries, refusing malformed input with a <see cref="TanagerException"/> (→ 400).</summary>
internal static class HttpRequestExtensions
{
    public static Caller Caller(this HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("The endpoint is not behind the bearer filter.");

    /// <summary>What the session list shows of the client: its user agent, and its address as seen behind trusted proxies.</summary>
    public static ClientInfo Client(this HttpContext context) =>
        new(context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null, context.Connection.RemoteIpAddress?.ToString());

    /// <summary>The client's address behind trusted proxies, as per-address limits key it (<see cref="ClientAddress.Key"/>).</summary>
    public static string? ClientAddressKey(this HttpContext context) => ClientAddress.Key(context.Connection.RemoteIpAddress);

    /// <summary>The bearer token of the Authorization header, or null.</summary>
    public static string? BearerToken(this HttpRequest request)
    {
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new TanagerException(TanagerErrorKind.InvalidRequest, ErrorCodes.InvalidRequest, "The body must be JSON (Content-Type: application/json).");
        }
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted)
                ?? throw new TanagerException(TanagerErrorKind.InvalidRequest, ErrorCodes.InvalidRequest, "The body must be a JSON object.");
        }
        catch (JsonException exception)
        {
            // The serializer's own message names .NET types ("could not be converted to Tanager.Protocol.…"): say where
            // the body went wrong in the client's terms, the JSON path, and nothing about the server's insides.
            var at = string.IsNullOrEmpty(exception.Path) ? "" : $" (at {exception.Path})";
            throw new TanagerException(TanagerErrorKind.InvalidRequest, ErrorCodes.InvalidRequest,
                $"The body is not valid JSON for this request{at}: a value of the wrong type, malformed JSON, or a string that is not valid Unicode.");
        }
    }

    public static long? QueryLong(this HttpRequest request, string name)
    {
        var raw = request.Query[name];
        if (raw.Count == 0)
        {
            return null;
        }
        if (raw.Count > 1 || !long.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new TanagerException(TanagerErrorKind.InvalidRequest, ErrorCodes.InvalidRequest, $"Query parameter '{name}' must be one non-negative integer.");
        }
        return value;
    }

    public static int? QueryInt(this HttpRequest request, string name)
    {
        var value = request.QueryLong(name);
        return value is null ? null : (int)Math.Min(value.Value, int.MaxValue);
    }
}
