using Microsoft.Extensions.Options;

namespace Tanager.Internal;

/// <summary>Refuses settings that would make the engine unsafe or unusable, at start-up rather than at first use.</summary>
internal sealed class TanagerOptionsValidator : IValidateOptions<TanagerOptions>
{
    public ValidateOptionsResult Validate(string? name, TanagerOptions options)
    {
        var failures = new List<string>();
        // Argon2 needs at least 8 KiB per lane; below 1 MiB it is no longer memory-hard in any useful sense except for tests.
        // libsodium's limits: at least 8 KiB, and the byte count must fit an int.
        if (options.PasswordMemoryKiB is < 8 or > (int.MaxValue / 1024))
        {
            failures.Add("Tanager:PasswordMemoryKiB must be between 8 and 2097151.");
        }
        if (options.PasswordIterations is < 1 or > 100)
        {
            failures.Add("Tanager:PasswordIterations must be between 1 and 100.");
        }
        if (options.PasswordHashConcurrency is < 1 or > 1024)
        {
            failures.Add("Tanager:PasswordHashConcurrency must be between 1 and 1024.");
        }
        if (options.PasswordHashQueueLimit is < 0 or > 100_000)
        {
            failures.Add("Tanager:PasswordHashQueueLimit must be between 0 and 100000.");
        }
        if (!(options.PasswordHashTimeBudget is >= 0 and <= 1024))
        {
            failures.Add("Tanager:PasswordHashTimeBudget must be between 0 (off) and 1024 (cores).");
        }
        if (options.PasswordHashBurst < TimeSpan.Zero || options.PasswordHashBurst > TimeSpan.FromHours(1))
        {
            failures.Add("Tanager:PasswordHashBurst must be between 00:00:00 and 01:00:00.");
        }
        if (options.TwoFactorChallengeLifetime < TimeSpan.FromSeconds(30) || options.TwoFactorChallengeLifetime > TimeSpan.FromHours(1))
        {
            failures.Add("Tanager:TwoFactorChallengeLifetime must be between 30 seconds and 1 hour.");
        }
        if (string.IsNullOrWhiteSpace(options.TwoFactorIssuer) || options.TwoFactorIssuer.Contains(':', StringComparison.Ordinal))
        {
            failures.Add("Tanager:TwoFactorIssuer must be a non-empty name without ':'.");
        }
        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            failures.Add("Tanager:SessionLifetime must be positive.");
        }
        if (options.SessionIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Tanager:SessionIdleTimeout must be positive.");
        }
        if (options.SessionPurgeInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add("Tanager:SessionPurgeInterval must be at least one second.");
        }
        if (options.GatewayTicketLifetime < TimeSpan.FromSeconds(1) || options.GatewayTicketLifetime > TimeSpan.FromMinutes(10))
        {
            failures.Add("Tanager:GatewayTicketLifetime must be between 1 second and 10 minutes.");
        }
        if (!Enum.IsDefined(options.Registration))
        {
            failures.Add("Tanager:Registration must be Open, InviteOnly or Closed.");
        }
        if (options.DrainTimeout < TimeSpan.Zero)
        {
            failures.Add("Tanager:DrainTimeout must not be negative.");
        }
        if (options.SendLanes is < 1 or > 64)
        {
            failures.Add("Tanager:SendLanes must be between 1 and 64.");
        }
        if (options.SendBatchSize is < 1 or > 4096)
        {
            failures.Add("Tanager:SendBatchSize must be between 1 and 4096.");
        }
        if (options.SendQueueCapacity is < 1 or > 1_000_000)
        {
            failures.Add("Tanager:SendQueueCapacity must be between 1 and 1000000.");
        }
        if (options.InvitationLifetime <= TimeSpan.Zero || options.InvitationLifetime > TimeSpan.FromDays(365))
        {
            failures.Add("Tanager:InvitationLifetime must be positive and at most a year.");
        }
        SingleSignOnValidation.Validate(options.Sso, failures);
        EmailNotificationValidation.Validate(options.Email, failures);
        EmailNotificationValidation.ValidateWebPush(options.WebPush, failures);
        var gateway = options.Gateway;
        if (gateway.HeartbeatInterval < TimeSpan.FromSeconds(1) || gateway.HeartbeatInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add("Tanager:Gateway:HeartbeatInterval must be between 1 second and 10 minutes.");
        }
        if (gateway.IdentifyTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add("Tanager:Gateway:IdentifyTimeout must be at least 1 second.");
        }
        if (gateway.SendQueueFrames is < 16 or > OutboundFrameQueue.MaxFrameLimit)
        {
            failures.Add($"Tanager:Gateway:SendQueueFrames must be between 16 and {OutboundFrameQueue.MaxFrameLimit}.");
        }
        if (gateway.SendQueueBytes is < 64 * 1024 or > OutboundFrameQueue.MaxByteLimit)
        {
            failures.Add($"Tanager:Gateway:SendQueueBytes must be between 65536 and {OutboundFrameQueue.MaxByteLimit}.");
        }
        if (gateway.MaxInboundMessageBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("Tanager:Gateway:MaxInboundMessageBytes must be between 1024 and 16777216.");
        }
        if (gateway.GapTimeout < TimeSpan.FromMilliseconds(10) || gateway.GapTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add("Tanager:Gateway:GapTimeout must be between 10 milliseconds and 30 seconds.");
        }
        if (gateway.IdleTimeout < TimeSpan.FromSeconds(1) || gateway.IdleTimeout > TimeSpan.FromDays(1))
        {
            failures.Add("Tanager:Gateway:IdleTimeout must be between 1 second and 1 day.");
        }
        if (gateway.ReplayLimit is < 10 or > 100_000)
        {
            failures.Add("Tanager:Gateway:ReplayLimit must be between 10 and 100000.");
        }
        var files = options.Attachments;
        if (files.MaxFileSize < 1 || files.WorkspaceQuota < 1)
        {
            failures.Add("Tanager:Attachments:MaxFileSize and WorkspaceQuota must be at least 1 byte.");
        }
        if (files.UploadUrlLifetime < TimeSpan.FromSeconds(1) || files.UploadUrlLifetime > TimeSpan.FromDays(7)
            || files.DownloadUrlLifetime < TimeSpan.FromSeconds(1) || files.DownloadUrlLifetime > TimeSpan.FromDays(7))
        {
            // Seven days is the longest an S3 presigned URL may live (SigV4).
            failures.Add("Tanager:Attachments:UploadUrlLifetime and DownloadUrlLifetime must be between 1 second and 7 days.");
        }
        if (files.UnattachedLifetime <= files.UploadUrlLifetime)
        {
            failures.Add("Tanager:Attachments:UnattachedLifetime must be longer than UploadUrlLifetime, or uploads in progress would be removed.");
        }
        if (files.DeletedRetention < TimeSpan.Zero || files.PurgeInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add("Tanager:Attachments:DeletedRetention must not be negative, and PurgeInterval must be at least 100 ms.");
        }
        if (files.ThumbnailSize is < 64 or > 2048 || files.ThumbnailSweepInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add("Tanager:Attachments:ThumbnailSize must be between 64 and 2048 pixels, and ThumbnailSweepInterval at least 100 ms.");
        }
        foreach (var type in files.AllowedContentTypes.Concat(files.DeniedContentTypes))
        {
            if (ContentTypes.Normalize(type.Replace("/*", "/x", StringComparison.Ordinal)) is null)
            {
                failures.Add($"Tanager:Attachments content type lists hold type/subtype or type/*; '{type}' is neither.");
            }
        }
        ValidateRateLimits(options.RateLimits, failures);
        foreach (var origin in options.AllowedOrigins)
        {
            if (!IsOrigin(origin))
            {
                failures.Add($"Tanager:AllowedOrigins holds origins such as https://chat.example.com (scheme, host and port only); '{origin}' is not one.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRateLimits(RateLimitOptions limits, List<string> failures)
    {
        (string Name, RateLimit Limit)[] buckets =
        [
            (nameof(limits.LoginPerAddress), limits.LoginPerAddress),
            (nameof(limits.LoginPerAccountAndAddress), limits.LoginPerAccountAndAddress),
            (nameof(limits.LoginPerAccountAndAddressSustained), limits.LoginPerAccountAndAddressSustained),
            (nameof(limits.LoginPerAccount), limits.LoginPerAccount),
            (nameof(limits.RegisterPerAddress), limits.RegisterPerAddress),
            (nameof(limits.RestPerUser), limits.RestPerUser),
            (nameof(limits.UploadsPerUser), limits.UploadsPerUser),
            (nameof(limits.WebhookPosts), limits.WebhookPosts),
            (nameof(limits.CommandResponses), limits.CommandResponses),
        ];
        foreach (var (name, limit) in buckets)
        {
            // A permit must come back within a day, and at most every millisecond (the limiter's timer resolution).
            if (limit.Permits is < 1 or > 1_000_000 || limit.Window <= TimeSpan.Zero || limit.PermitInterval > TimeSpan.FromDays(1)
                || limit.PermitInterval < TimeSpan.FromMilliseconds(1))
            {
                failures.Add($"Tanager:RateLimits:{name} needs Permits between 1 and 1000000 and a Window that gives a permit back every 1 ms to 1 day.");
            }
        }
        if (limits.ConnectionsPerUser < 1 || limits.ConnectionsPerAddress < 1 || limits.UnidentifiedConnectionsPerAddress < 1)
        {
            failures.Add("Tanager:RateLimits:ConnectionsPerUser, ConnectionsPerAddress and UnidentifiedConnectionsPerAddress must be at least 1.");
        }
        if (limits.SignInRefusalDelay < TimeSpan.Zero || limits.SignInRefusalDelay > TimeSpan.FromSeconds(10))
        {
            failures.Add("Tanager:RateLimits:SignInRefusalDelay must be between 0 and 10 seconds.");
        }
    }

    private static bool IsOrigin(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}
