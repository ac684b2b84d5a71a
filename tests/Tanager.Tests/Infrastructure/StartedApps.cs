using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Tanager.Tests.Infrastructure;

/// <summary>Helpers for the small ASP.NET Core apps tests start on a free loopback port (receivers, embedding apps).</summary>
internal static class StartedApps
{
    /// <summary>The address a started app listens on, with a trailing slash (it was started with <c>http://127.0.0.1:0</c>).</summary>
    public static Uri BaseUrl(this WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
}
