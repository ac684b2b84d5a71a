// An ASP.NET Core app with its own users that adds team chat. The app signs people in with its own login form and a
// cookie; Tanager trusts that sign-in (UseHostIdentity), keeps the chat in SQLite in the app's data folder and serves
// its API under /chat. Tanager's lines are the ones between the tanager:start and tanager:end markers.
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using static System.Net.WebUtility;
using Tanager;

var builder = WebApplication.CreateBuilder(args);
// The data folder: --data-dir PATH on the command line (or data-dir in any configuration source), ./data by default.
var dataDir = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["data-dir"] ?? "data");
// The keys that protect sign-in cookies live there too, so a restart does not sign everyone out.
builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "keys")));
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o => o.LoginPath = "/login");
builder.Services.AddAuthorization();
builder.Services.AddAntiforgery();
var activity = new ChatActivity();   // the app's own record of what happens in the chat, shown on its home page
// tanager:start
builder.Services.AddTanager(o => o.Registration = RegistrationPolicy.Closed)   // people sign in through the app, never with a chat password
    .UseSqlite(Path.Combine(dataDir, "chat.db"))
    .AddHooks(hooks => hooks.BeforeMessage(Moderation.CheckAsync).OnMessagePosted(activity.RecordAsync))   // the app's own rules and records
    .UseHostIdentity(user => new HostUser(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.FindFirstValue("display_name")!)
    {
        IsServerAdmin = user.IsInRole("admin"),   // the app's admins administer the chat too (the admin API, API keys)
    });
// tanager:end

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
// tanager:start
app.MapTanager("/chat");   // REST under /chat/api/v1, the gateway at /chat/gateway
app.MapTanagerWebClient("/chat");   // the web client at /chat/, signed in as the app's user (with a reference to Tanager.Web.App)
// tanager:end

app.MapGet("/", (HttpContext context, IAntiforgery antiforgery) => Page("Home", $"""
    <p>Signed in as <strong>{HtmlEncode(context.User.FindFirstValue("display_name"))}</strong>.</p>
    <p>Chat API: <a href="/chat/api/v1/users/me">your chat profile</a>, <a href="/chat/api/v1/workspaces">your workspaces</a>.</p>
    <p>Chat messages since the app started: {activity.Posted}.</p>
    <p><a href="/chat/">Open the chat</a> or the <a href="/chat/team">team page</a>, which has the chat inside it.</p>
    <form method="post" action="/logout">{AntiforgeryField(context, antiforgery)}<button>Sign out</button></form>
    """)).RequireAuthorization();

// A page of the app with the chat inside it: the <tanager-chat> element, from the web client's files under /chat/ (the
// base address), finding the server there too. Blazor needs the page's address under its base address, so the page is
// under /chat/ as well (the app's own routes win over the client's). The app's cookie is the chat's sign-in.
app.MapGet("/chat/team", () => Page("Team", head: """
    <base href="/chat/">
    """, body: """
    <p>The app's own content sits beside the chat.</p>
    <tanager-chat style="display: block; height: 75vh"></tanager-chat>
    <script src="_framework/blazor.webassembly.js" autostart="false"></script>
    <script src="tanager-chat.js"></script>
    """)).RequireAuthorization();

app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) => LoginForm(context, antiforgery, returnUrl, failed: false));

app.MapPost("/login", async (HttpContext context, IAntiforgery antiforgery, [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl) =>
{
    if (DemoUser.Find(username, password) is not { } user)
    {
        return LoginForm(context, antiforgery, returnUrl, failed: true);
    }
    // What Tanager's map above reads: a stable id that is never reused, the name to show, and the app's roles.
    Claim[] claims = [new(ClaimTypes.NameIdentifier, user.Id), new(ClaimTypes.Name, user.UserName), new("display_name", user.DisplayName), .. user.Roles.Select(r => new Claim(ClaimTypes.Role, r))];
    var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(new ClaimsPrincipal(identity));
    return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
});

app.MapPost("/logout", [RequireAntiforgeryToken] async (HttpContext context) =>
{
    await context.SignOutAsync();
    return Results.LocalRedirect("/login");
});

app.Run();

static IResult LoginForm(HttpContext context, IAntiforgery antiforgery, string? returnUrl, bool failed) => Page("Sign in", $"""
    {(failed ? "<p role=\"alert\">Wrong user name or password.</p>" : "")}
    <form method="post" action="/login">
      {AntiforgeryField(context, antiforgery)}
      <input type="hidden" name="returnUrl" value="{HtmlEncode(returnUrl ?? "/")}">
      <label>User name <input name="username" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button>Sign in</button>
    </form>
    <p>Demo users: alice / alice-password (an administrator), bob / bob-password.</p>
    """, failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);

// Back into this app only: "/path", never "//elsewhere" or "/\elsewhere", which browsers follow to another site.
static bool IsLocal([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? url) =>
    url is "/" or ['/', not '/' and not '\\', ..] && !url.Any(char.IsControl);

static string AntiforgeryField(HttpContext context, IAntiforgery antiforgery)
{
    var tokens = antiforgery.GetAndStoreTokens(context);
    return $"""<input type="hidden" name="{HtmlEncode(tokens.FormFieldName)}" value="{HtmlEncode(tokens.RequestToken)}">""";
}

static IResult Page(string title, string body, int status = StatusCodes.Status200OK, string head = "") => Results.Content(
    $"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · Embedded chat</title>{head}</head><body><h1>{title}</h1>{body}</body></html>""",
    "text/html; charset=utf-8", Encoding.UTF8, status);

/// <summary>The app's own users. A real app has a user table with password hashes; these two are for the demo.</summary>
internal sealed record DemoUser(string Id, string UserName, string Password, string DisplayName, params string[] Roles)
{
    private static readonly DemoUser[] All = [new("1", "alice", "alice-password", "Alice Adams", "admin"), new("2", "bob", "bob-password", "Bob Brown")];

    public static DemoUser? Find(string? userName, string? password) =>
        All.FirstOrDefault(u => u.UserName == userName && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(u.Password), Encoding.UTF8.GetBytes(password ?? "")));
}

/// <summary>The app's chat rules, run by Tanager before a message or an edit is stored.</summary>
internal static class Moderation
{
    public static ValueTask CheckAsync(MessageDraft draft, CancellationToken cancellationToken)
    {
        if (draft.Content.Contains("buy followers", StringComparison.OrdinalIgnoreCase))
        {
            draft.Reject("Advertising is not allowed in this chat.");
        }
        // The app's own secret never shows in the chat, even pasted by mistake.
        draft.Content = draft.Content.Replace("hunter2", "*******", StringComparison.Ordinal);
        return ValueTask.CompletedTask;
    }
}

/// <summary>What the app keeps from the chat: here a count, in a real app perhaps a row in its own database.</summary>
internal sealed class ChatActivity
{
    private int _posted;

    public int Posted => Volatile.Read(ref _posted);

    public ValueTask RecordAsync(Tanager.Protocol.MessageDto message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _posted);
        return ValueTask.CompletedTask;
    }
}
