using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NUlid;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// The request limits of <see cref="RateLimitOptions"/>, as token buckets from System.Threading.RateLimiting, one
/// partition per key. A partition whose bucket is full again is dropped by the limiter after 10 s idle, so memory follows
/// the keys in use, not every address or email ever seen. Applied inside Tanager's endpoints rather than by the
/// rate-limiting middleware: it works in an app that never calls <c>UseRateLimiter()</c>, and the login limits are keyed
/// by the email in the body, which only the endpoint has read.
/// </summary>
internal sealed class RequestThrottle : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly Limiter _loginPerAddress;
    private readonly Limiter _loginPerAccountAndAddress;
    private readonly Limiter _loginPerAccountAndAddressSustained;
    private readonly Limiter _loginPerAccount;
    private readonly Limiter _registerPerAddress;
    private readonly Limiter _restPerUser;
    private readonly Limiter _uploadsPerUser;
    private readonly Limiter _webhookPosts;
    private readonly Limiter _commandResponses;

    public RequestThrottle(RateLimitOptions options)
    {
        _options = options;
        _loginPerAddress = new(options.LoginPerAddress);
        _loginPerAccountAndAddress = new(options.LoginPerAccountAndAddress);
        _loginPerAccountAndAddressSustained = new(options.LoginPerAccountAndAddressSustained);
        _loginPerAccount = new(options.LoginPerAccount);
        _registerPerAddress = new(options.RegisterPerAddress);
        _restPerUser = new(options.RestPerUser);
        _uploadsPerUser = new(options.UploadsPerUser);
        _webhookPosts = new(options.WebhookPosts);
        _commandResponses = new(options.CommandResponses);
    }

    /// <summary>
    /// The first login limit, by address alone: null when the attempt may go ahead, or how long to wait. Checked before
    /// the body is read, so that a flood's refused attempts cost as little as an answer can. The limits are taken in
    /// order and the first refusal stops: an attempt refused for its address or its (account, address) pair uses nothing
    /// of the account's own limit, so a guesser from one address cannot spend the owner's.
    /// </summary>
    public TimeSpan? LoginAddress(HttpContext context) =>
        _options.Enabled ? _loginPerAddress.Take(context.ClientAddressKey() ?? "") : null;

    /// <summary>The account limits, once the body has named the account; after <see cref="LoginAddress"/>.</summary>
    public TimeSpan? LoginAccount(HttpContext context, string? email)
    {
        if (!_options.Enabled)
        {
            return null;
        }
        var address = context.ClientAddressKey() ?? "";
        var account = User.EmailKey((email ?? "").Trim());
        var pair = account + "\n" + address;
        return _loginPerAccountAndAddress.Take(pair)
            ?? _loginPerAccountAndAddressSustained.Take(pair)
            ?? _loginPerAccount.Take(account);
    }

    /// <summary>A post through an incoming webhook, keyed by the hook: null when it may go ahead, or how long to wait.</summary>
    public TimeSpan? WebhookPost(string webhookId) => _options.Enabled ? _webhookPosts.Take(webhookId) : null;

    /// <summary>A later answer to a URL command's invocation, keyed by its response id.</summary>
    public TimeSpan? CommandResponse(string responseId) => _options.Enabled ? _commandResponses.Take(responseId) : null;

    public TimeSpan? Register(HttpContext context) => _options.Enabled ? _registerPerAddress.Take(context.ClientAddressKey() ?? "") : null;

    public TimeSpan? Rest(Ulid userId) => _options.Enabled ? _restPerUser.Take(userId.ToString()) : null;

    public TimeSpan? Upload(Ulid userId) => _options.Enabled ? _uploadsPerUser.Take(userId.ToString()) : null;

    /// <summary>An endpoint filter for upload starts: after the bearer filter, so the caller is known.</summary>
    public async ValueTask<object?> UploadFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Upload(context.HttpContext.Caller().UserId) is { } wait ? Refuse(context.HttpContext, wait, "uploads started") : await next(context);

    /// <summary>
    /// A sign-in or registration's 429, sent after <see cref="RateLimitOptions.SignInRefusalDelay"/> (or
    /// <paramref name="retryAfter"/> if shorter). A flood's clients send their next attempt when the answer comes (on one
    /// HTTP/1.1 connection they cannot do otherwise), so the wait holds each connection to one attempt per delay, whether
    /// it heeds <c>Retry-After</c> or not; it costs a timer, not a core.
    /// </summary>
    public async Task<IResult> RefuseSignInAsync(HttpContext context, TimeSpan retryAfter, string what)
    {
        var delay = retryAfter < _options.SignInRefusalDelay ? retryAfter : _options.SignInRefusalDelay;
        try
        {
            await Task.Delay(delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client left; the answer goes nowhere, so it need not wait.
        }
        return Refuse(context, retryAfter, what);
    }

    /// <summary>429 with <c>Retry-After</c> (whole seconds, rounded up, as RFC 9110 §10.2.3 has it) and a problem document.</summary>
    public static IResult Refuse(HttpContext context, TimeSpan retryAfter, string what)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = ProblemFilter.Problem(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, $"Too many {what}; try again in {seconds} s.");
        if (problem is ProblemHttpResult { ProblemDetails: var details })
        {
            details.Extensions["retry_after"] = seconds;
        }
        return problem;
    }

    public void Dispose()
    {
        _loginPerAddress.Dispose();
        _loginPerAccountAndAddress.Dispose();
        _loginPerAccountAndAddressSustained.Dispose();
        _loginPerAccount.Dispose();
        _registerPerAddress.Dispose();
        _restPerUser.Dispose();
        _uploadsPerUser.Dispose();
        _webhookPosts.Dispose();
        _commandResponses.Dispose();
    }

    /// <summary>One <see cref="RateLimit"/> as a partitioned token bucket.</summary>
    private sealed class Limiter(RateLimit limit) : IDisposable
    {
        private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
            key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Permits,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = limit.PermitInterval,
                // Refuse at once: a queued login would hold its connection open, which is what a flood wants.
                QueueLimit = 0,
            }),
            StringComparer.Ordinal);

        /// <summary>Null when a permit was taken; else how long until one comes back.</summary>
        public TimeSpan? Take(string key)
        {
            using var lease = _limiter.AttemptAcquire(key);
            return lease.IsAcquired ? null
                : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter
                : limit.PermitInterval;
        }

        public void Dispose() => _limiter.Dispose();
    }
}
