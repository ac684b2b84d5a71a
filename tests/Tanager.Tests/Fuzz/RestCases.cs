using System.Text;
using System.Text.Json.Serialization.Metadata;
using FsCheck;
using FsCheck.Fluent;
using Tanager.Protocol;

namespace Tanager.Tests.Fuzz;

/// <summary>A route of the running app: its method and pattern, as the endpoint data source lists them.</summary>
internal sealed record RestRoute(string Method, string Pattern, IReadOnlyList<string> Parameters)
{
    public string Key => $"{Method} {Pattern}";
}

/// <summary>
/// FsCheck generators of REST requests for every route of the running app. Values that name the world (ids, emails,
/// tokens) are read from <paramref name="world"/> when a case is generated, so a rebuilt world is aimed at from the next case on.
/// </summary>
internal sealed class RestCases(IReadOnlyList<RestRoute> routes, Func<RestWorld> world)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FUZZ"];
    private static readonly string[] QueryNames =
        ["before", "after", "limit", "q", "include_replies", "since", "expires", "size", "type", "sig", "disposition", "last_event_id", "kind", "user_id", "cursor"];
    private static readonly string[] Roles = ["owner", "admin", "member", "guest", "bot", "everyone", "Admin", ""];
    private static readonly string[] Emoji = ["👍", "smile", ":+1:", "❤️", "👨‍👩‍👧", "a", "🇫🇷", "1"];
    private static readonly string[] ContentTypes =
        ["application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "application/problem+json", "application/vnd.api+json",
         "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/json; charset=utf-16", "*/*", "application/xml", "image/png", "json"];
    private static readonly string[] Permissions =
        ["view_channels", "send_messages", "manage_messages", "add_reactions", "mention_everyone", "create_channels", "add_channel_members", "kick_members",
         "manage_channels", "manage_workspace", "administrator", "everything", ""];

    /// <summary>The JSON shape each write reads; a write not listed gets generic objects, which still must not crash it.</summary>
    public static readonly IReadOnlyDictionary<string, JsonTypeInfo> Shapes = new Dictionary<string, JsonTypeInfo>(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/register"] = TanagerJsonContext.Default.RegisterRequest,
        ["POST /api/v1/auth/login"] = TanagerJsonContext.Default.LoginRequest,
        ["POST /api/v1/auth/password"] = TanagerJsonContext.Default.ChangePasswordRequest,
        ["PATCH /api/v1/users/me"] = TanagerJsonContext.Default.UpdateProfileRequest,
        ["POST /api/v1/admin/users"] = TanagerJsonContext.Default.ProvisionUserRequest,
        ["POST /api/v1/admin/api-keys"] = TanagerJsonContext.Default.CreateTokenRequest,
        ["POST /api/v1/workspaces"] = TanagerJsonContext.Default.CreateWorkspaceRequest,
        ["PATCH /api/v1/workspaces/{workspaceId}"] = TanagerJsonContext.Default.UpdateWorkspaceRequest,
        ["POST /api/v1/workspaces/{workspaceId}/transfer"] = TanagerJsonContext.Default.TransferWorkspaceRequest,
        ["POST /api/v1/workspaces/{workspaceId}/members"] = TanagerJsonContext.Default.AddWorkspaceMemberRequest,
        ["PATCH /api/v1/workspaces/{workspaceId}/members/{userId}"] = TanagerJsonContext.Default.UpdateWorkspaceMemberRequest,
        ["POST /api/v1/workspaces/{workspaceId}/invites"] = TanagerJsonContext.Default.CreateInviteRequest,
        ["POST /api/v1/workspaces/{workspaceId}/bots"] = TanagerJsonContext.Default.CreateBotRequest,
        ["POST /api/v1/bots/{botId}/tokens"] = TanagerJsonContext.Default.CreateTokenRequest,
        ["POST /api/v1/workspaces/{workspaceId}/channels"] = TanagerJsonContext.Default.CreateChannelRequest,
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}"] = TanagerJsonContext.Default.UpdateChannelRequest,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}"] = TanagerJsonContext.Default.SetChannelOverrideRequest,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/members"] = TanagerJsonContext.Default.AddChannelMemberRequest,
        ["POST /api/v1/workspaces/{workspaceId}/dms"] = TanagerJsonContext.Default.OpenDirectMessageRequest,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages"] = TanagerJsonContext.Default.PostMessageRequest,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/attachments"] = TanagerJsonContext.Default.CreateUploadRequest,
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}"] = TanagerJsonContext.Default.EditMessageRequest,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/read"] = TanagerJsonContext.Default.MarkReadRequest,
    };

    public Arbitrary<RestCase> Arbitrary() => Arb.From(Case(), Shrink);

    public Gen<RestCase> Case() =>
        // The signed file URLs get a share of their own: their query carries the size and expiry a signature guards.
        from route in Gen.Frequency((94, Gen.Elements(routes.ToArray())), (3, UnknownRoute()), (3, Gen.Elements(routes.Where(r => r.Pattern.Contains("/files/", StringComparison.Ordinal)).ToArray())))
        from method in Gen.Frequency((92, Gen.Constant(route.Method)), (8, Gen.Elements(Methods)))
        from values in Gen.CollectToList(route.Parameters, p => PathValue(route.Pattern, p).Select(v => new KeyValuePair<string, string>(p, v)))
        from query in Query(route)
        from auth in Gen.Frequency((70, Gen.Constant(FuzzAuth.Session)), (8, Gen.Constant(FuzzAuth.Bot)), (5, Gen.Constant(FuzzAuth.ApiKey)),
            (7, Gen.Constant(FuzzAuth.None)), (10, Gen.Constant(FuzzAuth.Garbage)))
        from header in GarbageAuthorization()
        from actAs in Gen.Frequency((1, Gen.Constant<string?>(null)), (2, Id("user").Select(v => (string?)v)), (1, Junk.Text().Select(v => (string?)v)))
        from body in Body(route.Key, method)
        from useSignedUrl in Gen.Frequency((1, Gen.Constant(false)), (1, Gen.Constant(route.Pattern.Contains("/files/", StringComparison.Ordinal))))
        from signedQuery in SignedQuery()
        let signed = useSignedUrl ? SignedUrl(signedQuery) : null
        select new RestCase(route.Key, method, route.Pattern,
            signed is null ? [.. values] : [new("key", signed.Value.Key)],
            signed is null ? query : signed.Value.Query,
            auth, auth == FuzzAuth.Garbage ? header : null, auth == FuzzAuth.ApiKey ? actAs : null, body.ContentType, body.Bytes, body.Kind);

    /// <summary>Shrinks toward a plain request: no body, no query, real ids, a session token; what remains failing is the cause.</summary>
    private IEnumerable<RestCase> Shrink(RestCase c)
    {
        if (c.Body is not null)
        {
            yield return c with { Body = null, ContentType = null, BodyKind = "none" };
            if (c.Body.Length > 64)
            {
                yield return c with { Body = c.Body[..(c.Body.Length / 2)], BodyKind = c.BodyKind + ", cut" };
            }
            if (c.ContentType != "application/json")
            {
                yield return c with { ContentType = "application/json" };
            }
        }
        for (var i = 0; i < c.Query.Count; i++)
        {
            yield return c with { Query = [.. c.Query.Where((_, j) => j != i)] };
        }
        if (c.Auth != FuzzAuth.Session)
        {
            yield return c with { Auth = FuzzAuth.Session, AuthHeader = null, ActAs = null };
        }
        var w = world();
        for (var i = 0; i < c.PathValues.Count; i++)
        {
            var (name, value) = c.PathValues[i];
            var pool = w.Pool(KindOf(name));
            if (pool.Length > 0 && !pool.Contains(value, StringComparer.Ordinal))
            {
                var values = c.PathValues.ToArray();
                values[i] = new(name, pool[0]);
                yield return c with { PathValues = values };
            }
        }
    }

    private static Gen<RestRoute> UnknownRoute() =>
        from path in Gen.Elements("/", "/api", "/api/v1", "/api/v1/", "/api/v2/workspaces", "/api/v1/nothing-here", "/api/v1/workspaces/{x}/nope", "/gateway/x", "/health/")
        from method in Gen.Elements(Methods)
        select new RestRoute(method, path, path.Contains("{x}", StringComparison.Ordinal) ? ["x"] : []);

    private static string KindOf(string parameter) => parameter switch
    {
        "workspaceId" => "workspace",
        "channelId" => "channel",
        "messageId" => "message",
        "userId" or "user" => "user",
        "inviteId" => "invite",
        "code" => "code",
        "invitationId" => "invitation",
        "sessionId" => "session",
        "botId" => "bot",
        "tokenId" => "token",
        "attachmentId" => "attachment",
        "keyId" => "apikey",
        _ => parameter,
    };

    /// <summary>An id of <paramref name="kind"/> from the current world (any kind when it has none).</summary>
    private Gen<string> Id(string kind) =>
        Gen.Choose(0, 1 << 20).Select(i =>
        {
            var w = world();
            var pool = w.Pool(kind);
            if (pool.Length == 0)
            {
                pool = [.. w.Ids.Values.SelectMany(v => v)];
            }
            return pool[i % pool.Length];
        });

    private Gen<string> AnyId() => Gen.Elements("workspace", "channel", "message", "user", "invite", "code", "invitation", "session", "bot", "token", "attachment", "apikey").SelectMany(Id);

    private Gen<string> PathValue(string pattern, string parameter)
    {
        var kind = KindOf(parameter);
        var valid = kind switch
        {
            "role" => Gen.Elements(Roles),
            "emoji" => Gen.Elements(Emoji),
            "key" => Gen.Elements("a", "a/b/c", "../../etc/passwd", "..%2F..%2Fx", "x/../../y", "%2e%2e/%2e%2e/z", "files/" + new string('a', 300)),
            _ => Id(kind),
        };
        return Gen.Frequency(
            (45, valid.Select(v => kind == "key" ? v : Junk.Escape(v))),
            (10, AnyId()),
            (10, Junk.Ulid()),
            (12, Junk.Text().Select(Junk.Escape)),
            (4, Junk.Huge().Select(h => Junk.Escape(h[..Math.Min(h.Length, 9_000)]))),
            (5, Gen.Elements(Emoji).Select(Junk.Escape)),
            (3, Gen.Constant("")),
            (10, Junk.PercentJunk()));
    }

    private Gen<IReadOnlyList<KeyValuePair<string, string>>> Query(RestRoute route)
    {
        var name = Gen.Frequency((6, Gen.Elements(QueryNames)), (1, Junk.Text().Select(Junk.Escape)), (1, Junk.PercentJunk()));
        var value = Gen.Frequency(
            (4, Gen.Elements("0", "1", "-1", "50", "100", "101", "1000", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
                "99999999999999999999", "1.5", "1e3", "0x10", "+1", " 1", "true", "false", "yes", "", "hello", "*", "\"")),
            (2, AnyId()),
            (2, Junk.Text().Select(Junk.Escape)),
            (1, Junk.Huge().Select(Junk.Escape)),
            (1, Junk.PercentJunk()));
        var pair = Gen.Zip(name, value, (n, v) => new KeyValuePair<string, string>(n, v));
        var count = route.Method == "GET" ? Gen.Frequency((3, Gen.Constant(0)), (5, Gen.Choose(1, 3)), (1, Gen.Choose(4, 8))) : Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Choose(1, 3)));
        return count.SelectMany(n => pair.ArrayOf(n)).Select(IReadOnlyList<KeyValuePair<string, string>> (pairs) => pairs);
    }

    private static Gen<string> GarbageAuthorization() =>
        Gen.OneOf(
            Gen.Elements("Bearer", "Bearer ", "bearer tgr_", "Bearer tgr_AAAA", "Bearer tgb_", "Bearer tgk_x", "Bearer tgt_x", "Basic dXNlcjpwYXNz", "Bearer  ",
                "Bearer null", "Token abc", "Bearer tgr_" + new string('A', 43), "Bearer tgr_" + new string('A', 5000), "Bearer a b c"),
            Junk.Text().Select(t => "Bearer " + new string([.. t.Where(c => c is >= ' ' and < '\u007f')])));

    /// <summary>The world's real signed upload URL with one query value changed: a signature must guard every part.</summary>
    private Gen<(string Name, string Value)> SignedQuery() =>
        from name in Gen.Frequency((3, Gen.Constant("size")), (2, Gen.Constant("expires")), (4, Gen.Elements("type", "sig", "disposition", "extra")))
        from value in Gen.Frequency(
            (3, Gen.Elements("9223372036854775807", "9223372036854775806", "2147483648")),
            (5, Gen.Elements("0", "-1", "1", "3", "18446744073709551615", "", "text%2Fplain", "image%2Fpng", "%00", "AAAA", "99999999999")))
        select (name, value);

    private (string Key, IReadOnlyList<KeyValuePair<string, string>> Query)? SignedUrl((string Name, string Value) change)
    {
        var url = world().UploadUrl;
        var question = url.IndexOf('?', StringComparison.Ordinal);
        var key = url[..question][(url.IndexOf("/files/", StringComparison.Ordinal) + "/files/".Length)..];
        var query = url[(question + 1)..].Split('&').Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : "")).ToList();
        var at = query.FindIndex(p => p.Key == change.Name);
        if (at >= 0)
        {
            query[at] = new(change.Name, change.Value);
        }
        else
        {
            query.Add(new(change.Name, change.Value));
        }
        return (key, query);
    }

    private sealed record GeneratedBody(string? ContentType, byte[]? Bytes, string Kind);

    private Gen<GeneratedBody> Body(string routeKey, string method)
    {
        var contentType = Gen.Frequency((85, Gen.Constant<string?>("application/json")), (12, Gen.Elements(ContentTypes).Select(v => (string?)v)), (3, Gen.Constant<string?>(null)));
        var none = Gen.Constant(new GeneratedBody(null, null, "none"));
        var broken = Gen.Zip(contentType, Junk.BrokenJson(), (type, bytes) => new GeneratedBody(type, bytes, "not an object"));
        var tooBig = contentType.Select(type => new GeneratedBody(type, Encoding.UTF8.GetBytes("{\"content\":\"" + new string('x', 70_000) + "\"}"), "over 64 KiB"));
        if (Shapes.TryGetValue(routeKey, out var shape))
        {
            var fields = shape.Properties.Select(p => (p.Name, p.PropertyType)).ToArray();
            var mutated = Gen.Zip(contentType, Shaped(fields), (type, body) => new GeneratedBody(type, Encoding.UTF8.GetBytes(body.Json), body.Kind));
            return Gen.Frequency((3, none), (80, mutated), (14, broken), (3, tooBig));
        }
        var generic = Gen.Zip(contentType, Shaped([("name", typeof(string)), ("content", typeof(string)), ("user_id", typeof(string))]),
            (type, body) => new GeneratedBody(type, Encoding.UTF8.GetBytes(body.Json), "generic " + body.Kind));
        return method is "POST" or "PUT" or "PATCH"
            ? Gen.Frequency((75, none), (15, generic), (10, broken))
            : Gen.Frequency((95, none), (3, generic), (2, broken));
    }

    /// <summary>A JSON object of the request's fields with valid-looking values, then zero or more mutations.</summary>
    private Gen<(string Json, string Kind)> Shaped((string Name, Type Type)[] fields)
    {
        var valid = Gen.CollectToList(fields, f => Gen.Frequency((5, Valid(f.Name, f.Type).Select(v => (string?)v)), (1, Gen.Constant<string?>(null)))
            .Select(v => (f.Name, Value: v)));
        var mutation = Gen.Frequency(
            (4, Gen.Constant<Func<List<(string Name, string? Value)>, string>?>(null)),
            (5, ReplaceField()),
            (1, Gen.Constant<Func<List<(string Name, string? Value)>, string>?>(f =>
            {
                f.Add(("unknown_" + f.Count, "\"x\""));
                return "unknown field";
            })),
            (1, Gen.Constant<Func<List<(string Name, string? Value)>, string>?>(f =>
            {
                if (f.Count > 0)
                {
                    f.Add(f[0]);
                }
                return "duplicate field";
            })));
        return from values in valid
               from mutations in Gen.Choose(1, 3).SelectMany(n => mutation.ArrayOf(n))
               select Render(values, mutations);
    }

    private static (string Json, string Kind) Render(IEnumerable<(string Name, string? Value)> values, Func<List<(string Name, string? Value)>, string>?[] mutations)
    {
        var fields = values.Where(v => v.Value is not null).ToList();
        var kinds = mutations.Where(m => m is not null).Select(m => m!(fields)).ToList();
        var json = "{" + string.Join(',', fields.Select(f => $"{Junk.JsonString(f.Name)}:{f.Value}")) + "}";
        return (json, kinds.Count == 0 ? "valid shape" : string.Join(", ", kinds));
    }

    private static Gen<Func<List<(string Name, string? Value)>, string>?> ReplaceField() =>
        from index in Gen.Choose(0, 100)
        from junk in Junk.JsonValue()
        select (Func<List<(string Name, string? Value)>, string>?)(fields =>
        {
            if (fields.Count == 0)
            {
                fields.Add(("content", junk));
                return "content = junk";
            }
            var at = index % fields.Count;
            fields[at] = (fields[at].Name, junk);
            return $"{fields[at].Name} = junk";
        });

    /// <summary>A plausible value of a request field, by its JSON name and .NET type.</summary>
    private Gen<string> Valid(string name, Type type)
    {
        var core = Nullable.GetUnderlyingType(type) ?? type;
        if (core == typeof(bool))
        {
            return Gen.Elements("true", "false");
        }
        if (core == typeof(int) || core == typeof(long))
        {
            return Gen.Elements("0", "1", "3", "10", "100", "3600", "-1", "2147483647", "9223372036854775807");
        }
        if (core != typeof(string))
        {
            var element = core.IsGenericType ? core.GetGenericArguments()[0] : typeof(string);
            return Valid(name.TrimEnd('s'), element).ArrayOf().Select(items => "[" + string.Join(',', items.Take(20)) + "]");
        }
        var text = name switch
        {
            "email" => Gen.Frequency((2, Gen.Choose(0, 1 << 20).Select(i => world().Emails[i % world().Emails.Length])),
                (1, Gen.Choose(0, 1 << 20).Select(i => $"new{i}@example.test")), (1, Junk.Text())),
            "password" or "current_password" or "new_password" => Gen.Frequency((3, Gen.Constant(RestWorld.Password)), (1, Junk.Text())),
            "role" => Gen.Elements(Roles),
            "kind" => Gen.Elements("public", "private", "dm", "direct", "voice", ""),
            "content_type" => Gen.Elements("text/plain", "image/png", "image/jpeg", "application/octet-stream", "text/html", "image/svg+xml", "", "a/b/c"),
            "scope" => Gen.Elements(Scope.All.Append("admin").Append("").ToArray()),
            "allow" or "deny" => Gen.Elements(Permissions),
            "invite_code" or "code" => Id("code"),
            "thread_id" => Id("message"),
            "user_id" => Id("user"),
            "attachment_id" => Id("attachment"),
            "status" => Gen.Elements("online", "away", "dnd", "offline", "invisible"),
            _ when name.EndsWith("_id", StringComparison.Ordinal) => AnyId(),
            _ => Gen.Frequency((3, Gen.Elements("general", "hello", "Hello, world", "a", "x y z")), (2, Junk.Text()), (1, Junk.Huge())),
        };
        return Gen.Frequency((9, text), (1, Junk.Ulid())).Select(Junk.JsonString);
    }
}
