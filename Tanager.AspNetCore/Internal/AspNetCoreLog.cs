using Microsoft.Extensions.Logging;

namespace Tanager.AspNetCore.Internal;

/// <summary>Log messages of the ASP.NET Core adapter. Tokens, codes and tickets are never logged.</summary>
internal static partial class AspNetCoreLog
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Warning, Message = "Single sign-on through {Provider} refused by a check: {FailureType}: {Failure}")]
    public static partial void SsoRemoteFailure(ILogger logger, string provider, string failureType, string failure);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Warning, Message = "Single sign-on through {Provider} could not start: its metadata could not be read: {Failure}")]
    public static partial void SsoProviderUnreachable(ILogger logger, string provider, string failure);

    [LoggerMessage(EventId = 1980, Level = LogLevel.Warning, Message = "The web client is mapped at '{Prefix}/' but its files are not in the web root ({WebRoot}): browsers would get empty answers. Publish the app, run it in Development, or call builder.WebHost.UseStaticWebAssets() to serve a build")]
    public static partial void WebClientFilesMissing(ILogger logger, string prefix, string webRoot);
}
