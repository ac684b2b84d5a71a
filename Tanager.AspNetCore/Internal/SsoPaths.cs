using System.Globalization;

namespace Tanager.AspNetCore.Internal;

/// <summary>The paths the SSO handlers own under the app's Tanager prefix.</summary>
internal sealed class SsoPaths(string prefix)
{
    public string Sso { get; } = prefix.TrimEnd('/') + "/api/v1/auth/sso";

    public string Callback(string provider) => string.Create(CultureInfo.InvariantCulture, $"{Sso}/{provider}/callback");

    public string Start(string provider) => string.Create(CultureInfo.InvariantCulture, $"{Sso}/{provider}/start");
}
