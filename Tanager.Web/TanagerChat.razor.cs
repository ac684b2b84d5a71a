using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Web.Internal;

namespace Tanager.Web;

/// <summary>
/// The whole Tanager chat in one component: sign-in, workspaces, channels, messages, live over the gateway. Place it in
/// any Blazor WebAssembly page, or use the <c>&lt;tanager-chat&gt;</c> element of <c>Tanager.Web.App</c>.
/// </summary>
public sealed partial class TanagerChat : IAsyncDisposable
{
    private static int _instances;
    private readonly CancellationTokenSource _disposing = new();
    /// <summary>Prefixes element ids, so that two chats on one page keep their labels apart.</summary>
    private readonly string _instance = "tg" + Interlocked.Increment(ref _instances).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private TanagerClient? _client;
    /// <summary>Whether the person is signed in by the app that hosts the chat rather than with a chat token.</summary>
    private bool _hostSession;
    private UserDto? _me;
    private Uri _server = null!;
    private IJSObjectReference? _module;
    private DotNetObjectReference<PageCallbacks>? _callbacks;
    private ElementReference _root;
    private ElementReference _scroller;
    private ElementReference _composer;
    private bool _scrollToEnd;

    // Sign-in
    private bool _starting = true;
    private bool _registering;
    private string _email = "";
    private string _password = "";
    private string _displayName = "";
    private string? _challenge;
    private string _twoFactorCode = "";
    private string? _signInError;
    private bool _busy;
    private IReadOnlyList<SsoProviderDto> _ssoProviders = [];

    // Chat
    private ConnectionState _connection = ConnectionState.Connecting;
    private readonly List<WorkspaceDto> _workspaces = [];
    private readonly Dictionary<string, List<ChannelDto>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelTimeline> _timelines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserDto> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _markedRead = new(StringComparer.Ordinal);
    private IReadOnlyList<InvitationDto> _invitations = [];
    private IReadOnlyList<ChannelDto> _browsable = [];
    private string? _workspaceId;
    private string? _channelId;
    private string _draft = "";
    private string _draftNonce = Guid.NewGuid().ToString("N");
    private string? _editingId;
    private string _editText = "";
    private string? _reactingTo;
    private string? _error;
    private string _announcement = "";
    private bool _navOpen = true;
    private Form _form = Form.None;
    private string _formValue = "";

    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;

    /// <summary>
    /// The Tanager server's address, where its REST API (<c>api/v1</c>) and gateway live; by default the page's own base
    /// address (a page served by <c>tanager serve</c>, or under an app's <c>MapTanager</c> prefix).
    /// </summary>
    [Parameter]
    public string? ServerUrl { get; set; }

    private enum ConnectionState { Connecting, Connected, Reconnecting, Refused }

    private enum Form { None, Workspace, Channel, Invite, Browse, DirectMessage }

    private string TokenKey => "tanager.token:" + _server.AbsoluteUri;

    private WorkspaceDto? Workspace => _workspaces.Find(w => w.Id == _workspaceId);

    private ChannelDto? Channel => _workspaceId is not null && _channels.TryGetValue(_workspaceId, out var list) ? list.Find(c => c.Id == _channelId) : null;

    private ChannelTimeline? Timeline => _channelId is not null && _timelines.TryGetValue(_channelId, out var timeline) ? timeline : null;

    private IReadOnlyList<ChannelDto> WorkspaceChannels => _workspaceId is not null && _channels.TryGetValue(_workspaceId, out var list) ? list : [];

    protected override async Task OnInitializedAsync()
    {
        _server = new Uri(string.IsNullOrWhiteSpace(ServerUrl) ? Navigation.BaseUri : new Uri(new Uri(Navigation.BaseUri), ServerUrl).AbsoluteUri);
        try
        {
            if (SsoCodeInAddress() is { } code)
            {
                await SignInWithAsync(() => TanagerClient.ExchangeSsoCodeAsync(_server, code, _disposing.Token));
            }
            else if (await JS.InvokeAsync<string?>("localStorage.getItem", _disposing.Token, TokenKey) is { Length: > 0 } token)
            {
                await ResumeSessionAsync(token);
            }
            if (_client is null)
            {
                await TryHostSessionAsync();
            }
            if (_client is null)
            {
                await LoadSsoProvidersAsync();
            }
        }
        finally
        {
            _starting = false;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", _disposing.Token, "./_content/Tanager.Web/tanager.js");
            await _module.InvokeVoidAsync("enterSubmits", _disposing.Token, _root);
            await _module.InvokeVoidAsync("dropAndPasteFiles", _disposing.Token, _root);
            _callbacks = DotNetObjectReference.Create(new PageCallbacks(LoadOlderAsync, key => InvokeAsync(() => MentionKeyAsync(key)),
                (workspaceId, channelId) => InvokeAsync(() => OpenChannelAsync(workspaceId, channelId))));
            await _module.InvokeVoidAsync("loadOlderOnScroll", _disposing.Token, _root, _callbacks);
            await _module.InvokeVoidAsync("mentionKeys", _disposing.Token, _root, _callbacks);
            _notifications = await _module.InvokeAsync<string>("notificationPermission", _disposing.Token);
            await StartPushAsync();
            StateHasChanged();
        }
        if (_focusThreadComposer && _thread is not null)
        {
            // The panel opened: its composer takes the focus, as a dialog's first field would.
            _focusThreadComposer = false;
            await _threadComposer.FocusAsync();
        }
        if (_scrollToEnd && _module is not null && Timeline is not null)
        {
            _scrollToEnd = false;
            await _module.InvokeVoidAsync("scrollToEnd", _disposing.Token, _scroller);
        }
    }

    /// <summary>Signs in again with the token this browser kept; forgets it only when the server refuses it (revoked, expired).</summary>
    private async Task ResumeSessionAsync(string token)
    {
        try
        {
            await StartAsync(await TanagerClient.FromTokenAsync(_server, token, _disposing.Token));
        }
        catch (TanagerApiException exception) when (exception.Status == 401)
        {
            await JS.InvokeVoidAsync("localStorage.removeItem", _disposing.Token, TokenKey);
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            // Offline or a server error: the session may still be good, so it is kept for the next visit.
            _signInError = "The server could not be reached. Reload the page to try again.";
        }
    }

    /// <summary>
    /// Inside an app that signs people in itself (<c>UseHostIdentity</c>), the person is the app's signed-in user: the
    /// chat needs no sign-in of its own and keeps no token (the app's cookie goes with each request). Anywhere else the
    /// server answers 401 and the chat's own sign-in form is shown.
    /// </summary>
    private async Task TryHostSessionAsync()
    {
        try
        {
            var client = await TanagerClient.FromHostSessionAsync(_server, cancellationToken: _disposing.Token);
            _hostSession = true;
            await StartAsync(client);
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            _hostSession = false;
        }
    }

    /// <summary>The one-time code a finished single sign-on left in the address (<c>#sso_code=…</c>), removed from the address at once.</summary>
    private string? SsoCodeInAddress()
    {
        var uri = new Uri(Navigation.Uri);
        const string prefix = "#sso_code=";
        if (!uri.Fragment.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        Navigation.NavigateTo(uri.GetLeftPart(UriPartial.Query), replace: true);
        return Uri.UnescapeDataString(uri.Fragment[prefix.Length..]);
    }

    private async Task LoadSsoProvidersAsync()
    {
        try
        {
            _ssoProviders = await TanagerClient.ListSsoProvidersAsync(_server, _disposing.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            _ssoProviders = [];
        }
    }

    private string SsoStartUrl(SsoProviderDto provider) =>
        new Uri(_server, $"api/v1/auth/sso/{Uri.EscapeDataString(provider.Name)}/start?return_to={Uri.EscapeDataString(new Uri(Navigation.Uri).GetLeftPart(UriPartial.Query))}").AbsoluteUri;

    private Task SubmitSignInAsync()
    {
        if (_challenge is { } challenge)
        {
            return SignInWithAsync(() => TanagerClient.CompleteLoginAsync(_server, challenge, _twoFactorCode.Trim(), _disposing.Token));
        }
        return _registering
            ? SignInWithAsync(() => TanagerClient.RegisterAsync(_server, _email.Trim(), _password, _displayName.Trim(), _disposing.Token))
            : SignInWithAsync(() => TanagerClient.LoginAsync(_server, _email.Trim(), _password, _disposing.Token));
    }

    private async Task SignInWithAsync(Func<Task<TanagerClient>> signIn)
    {
        _busy = true;
        _signInError = null;
        try
        {
            var client = await signIn();
            _challenge = null;
            _password = "";
            _twoFactorCode = "";
            await JS.InvokeVoidAsync("localStorage.setItem", _disposing.Token, TokenKey, client.Token);
            await StartAsync(client);
        }
        catch (TanagerTwoFactorRequiredException required)
        {
            _challenge = required.Challenge;
            _twoFactorCode = "";
        }
        catch (TanagerApiException exception)
        {
            // A wrong 2FA code uses the challenge up: the next try starts again from the password.
            _challenge = null;
            _signInError = exception.Message;
        }
        catch (HttpRequestException)
        {
            _signInError = "The server could not be reached. Try again in a moment.";
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SignOutAsync()
    {
        var client = _client;
        var hostSession = _hostSession;
        if (client is not null && !hostSession)
        {
            // The server forgets the token before the page says it is signed out: a reload or a closed tab right after
            // the sign-in form appears would otherwise cut the request off, and the token would live on.
            try
            {
                await client.LogoutAsync(_disposing.Token);
            }
            catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
            {
                // Signed out here either way; the session ends on the server when it expires.
            }
        }
        _client = null;
        _me = null;
        _workspaces.Clear();
        _channels.Clear();
        _timelines.Clear();
        _workspaceId = null;
        _channelId = null;
        _settingsOpen = false;
        await JS.InvokeVoidAsync("localStorage.removeItem", _disposing.Token, TokenKey);
        if (client is not null)
        {
            await client.DisposeAsync();
        }
        if (hostSession)
        {
            // The app's sign-in is the app's to end; the chat only lets go of it.
            _hostSession = false;
            _signInError = "You are no longer signed in to the app. Sign in there again, then reload this page.";
            return;
        }
        await LoadSsoProvidersAsync();
    }

    private void Toggle(bool registering)
    {
        _registering = registering;
        _signInError = null;
        _challenge = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
        _callbacks?.Dispose();
        _disposing.Dispose();
    }

    private string Id(string name) => _instance + "-" + name;

    private string NameOf(string userId) => _users.TryGetValue(userId, out var user) ? user.DisplayName : "Someone";

    private static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private string MyId => _me?.Id ?? "";

    private string ConnectionClass => _connection switch
    {
        ConnectionState.Connected => "tg-conn-connected",
        ConnectionState.Reconnecting => "tg-conn-reconnecting",
        ConnectionState.Refused => "tg-conn-refused",
        _ => "tg-conn-connecting",
    };

    private string ConnectionText => _connection switch
    {
        ConnectionState.Connected => "Connected",
        ConnectionState.Reconnecting => "Reconnecting…",
        ConnectionState.Refused => "Signed out by the server",
        _ => "Connecting…",
    };

    private void OnEditKey(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
        {
            _editingId = null;
        }
    }
}
