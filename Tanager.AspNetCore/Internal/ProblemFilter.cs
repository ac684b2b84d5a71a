using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Maps refusals from Core, and malformed requests, to RFC 7807 problem documents with a machine-readable <c>code</c>.</summary>
internal sealed class ProblemFilter : IEndpointFilter
{
    /// <summary>Request bodies are small JSON documents; 64 KiB is ten times the largest valid one (a 4,000-character message).</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var sizeLimit = context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = MaxBodyBytes;
        }
        try
        {
            return await next(context);
        }
        catch (TanagerException exception)
        {
            if (exception.RetryAfter is { } retryAfter)
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return Problem(exception);
        }
        catch (BadHttpRequestException exception)
        {
            return Problem(exception.StatusCode, ErrorCodes.InvalidRequest, exception.Message);
        }
    }

    /// <summary>The problem document for a refusal from Core (also written by handlers outside the filter, such as single sign-on's).</summary>
    public static IResult Problem(TanagerException exception)
    {
        var problem = Problem(StatusFor(exception.Kind), exception.Code, exception.Message);
        if (exception.Data["scope"] is string scope && problem is ProblemHttpResult { ProblemDetails: var details })
        {
            details.Extensions["scope"] = scope;
        }
        return problem;
    }

    public static IResult Problem(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = code.Replace('_', ' '),
            Detail = detail,
            Type = $"https://tanager.dev/problems/{code}",
        };
        problem.Extensions["code"] = code;
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }
        return TypedResults.Problem(problem);
    }

    private static int StatusFor(TanagerErrorKind kind) => kind switch
    {
        TanagerErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        TanagerErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        TanagerErrorKind.NotFound => StatusCodes.Status404NotFound,
        TanagerErrorKind.Conflict => StatusCodes.Status409Conflict,
        TanagerErrorKind.Gone => StatusCodes.Status410Gone,
        TanagerErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        TanagerErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        TanagerErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        TanagerErrorKind.BadGateway => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status400BadRequest,
    };
}
