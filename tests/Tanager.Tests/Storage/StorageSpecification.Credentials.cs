using System.Security.Cryptography;
using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>Identity: account kinds and flags, stored credentials (logins, bot tokens, gateway tickets) and API keys.</summary>
public abstract partial class StorageSpecification
{
    private static UserSession Credential(User user, CredentialKind kind, int second, int expiresIn = 3600) =>
        new(Ulid.NewUlid(At(second)), RandomNumberGenerator.GetBytes(32), user.Id, kind, At(second), At(second + expiresIn));

    private async Task<UserSession> NewCredentialAsync(User user, CredentialKind kind, int second, int expiresIn = 3600, int? lastUsed = null)
    {
        var session = Credential(user, kind, second, expiresIn);
        if (lastUsed is { } used)
        {
            session = session with { LastUsedAt = At(used) };
        }
        await _store.Users.CreateSessionAsync(session);
        return session;
    }

    /// <summary>Field by field: the record's own equality compares the token hash and scopes by reference.</summary>
    private static void AssertSameSession(UserSession expected, UserSession? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.TokenHash, actual.TokenHash);
        Assert.Equal(
            (expected.Id, expected.UserId, expected.Kind, expected.CreatedAt, expected.ExpiresAt, expected.LastUsedAt, expected.Name, expected.UserAgent, expected.IpAddress, expected.ParentId),
            (actual.Id, actual.UserId, actual.Kind, actual.CreatedAt, actual.ExpiresAt, actual.LastUsedAt, actual.Name, actual.UserAgent, actual.IpAddress, actual.ParentId));
        if (expected.Scopes is null)
        {
            Assert.Null(actual.Scopes);
        }
        else
        {
            Assert.NotNull(actual.Scopes);
            Assert.Equal(expected.Scopes, actual.Scopes);
        }
    }

    private static void AssertSameKey(ApiKey expected, ApiKey? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.KeyHash, actual.KeyHash);
        Assert.Equal((expected.Id, expected.Name, expected.CreatedBy, expected.CreatedAt), (actual.Id, actual.Name, actual.CreatedBy, actual.CreatedAt));
    }

    [Fact]
    public async Task Every_identity_field_of_a_user_reads_back_everywhere_a_user_is_read()
    {
        var admin = new User(Ulid.NewUlid(), "Admin@Example.test", "Ada", "$argon2id$fake", At(0), At(1))
        {
            AvatarUrl = "https://cdn.example.test/ada.png",
            StatusText = "here",
            StatusEmoji = ":wave:",
            ExternalId = "idp|Sub-1",
            IsServerAdmin = true,
        };
        Assert.True(await _store.Users.TryCreateAsync(admin));
        var bot = new User(Ulid.NewUlid(), "bot@bots.example.test", "Deploy bot", "", At(2), At(2))
        {
            Kind = UserKind.Bot,
            OwnerId = admin.Id,
            DeactivatedAt = At(3),
        };
        Assert.True(await _store.Users.TryCreateAsync(bot));

        Assert.Equal(admin, await _store.Users.GetAsync(admin.Id));
        Assert.Equal(admin, await _store.Users.FindByEmailAsync("admin@example.TEST"));
        Assert.Equal(admin, await _store.Users.FindByExternalIdAsync("idp|Sub-1"));
        Assert.Equal(bot, await _store.Users.GetAsync(bot.Id));
        Assert.True((await _store.Users.GetAsync(bot.Id))!.IsBot);

        var session = Credential(bot, CredentialKind.BotToken, 4);
        await _store.Users.CreateSessionAsync(session);
        Assert.Equal(bot, (await _store.Users.GetSessionAsync(session.TokenHash))!.User);
    }

    [Fact]
    public async Task An_external_id_is_unique_and_found_only_exactly()
    {
        var first = new User(Ulid.NewUlid(), "first@example.test", "First", "x", At(0), At(0)) { ExternalId = "sub-1" };
        Assert.True(await _store.Users.TryCreateAsync(first));
        var clash = new User(Ulid.NewUlid(), "other@example.test", "Other", "x", At(0), At(0)) { ExternalId = "sub-1" };
        Assert.False(await _store.Users.TryCreateAsync(clash));
        Assert.Null(await _store.Users.GetAsync(clash.Id));
        Assert.Null(await _store.Users.FindByEmailAsync(clash.Email));

        // Compared exactly: another case is another id.
        var otherCase = clash with { ExternalId = "SUB-1" };
        Assert.True(await _store.Users.TryCreateAsync(otherCase));
        Assert.Equal(first, await _store.Users.FindByExternalIdAsync("sub-1"));
        Assert.Equal(otherCase, await _store.Users.FindByExternalIdAsync("SUB-1"));
        Assert.Null(await _store.Users.FindByExternalIdAsync("sub-2"));
        Assert.Null(await _store.Users.FindByExternalIdAsync(""));
        await NewUserAsync(); // accounts without an external id never clash
        await NewUserAsync();
    }

    [Fact]
    public async Task Count_includes_people_and_bots()
    {
        var before = await _store.Users.CountAsync();
        var owner = await NewUserAsync();
        Assert.True(await _store.Users.TryCreateAsync(new User(Ulid.NewUlid(), "bot@example.test", "Bot", "", At(0), At(0)) { Kind = UserKind.Bot, OwnerId = owner.Id }));
        Assert.False(await _store.Users.TryCreateAsync(owner));
        Assert.Equal(before + 2, await _store.Users.CountAsync());
    }

    [Fact]
    public async Task An_owner_lists_only_their_own_bots_oldest_first()
    {
        var owner = await NewUserAsync();
        var someoneElse = await NewUserAsync();
        User Bot(int second, Ulid ownerId) =>
            new(Ulid.NewUlid(At(second)), $"{Guid.NewGuid():N}@bots.example.test", "Bot " + second, "", At(second), At(second)) { Kind = UserKind.Bot, OwnerId = ownerId };
        var newer = Bot(20, owner.Id);
        var older = Bot(10, owner.Id);
        var theirs = Bot(15, someoneElse.Id);
        foreach (var bot in new[] { newer, older, theirs })
        {
            Assert.True(await _store.Users.TryCreateAsync(bot));
        }

        Assert.Equal([older, newer], await _store.Users.ListBotsAsync(owner.Id));
        Assert.Equal([theirs], await _store.Users.ListBotsAsync(someoneElse.Id));
        Assert.Empty(await _store.Users.ListBotsAsync(newer.Id));
    }

    [Fact]
    public async Task An_account_update_writes_the_password_admin_flag_deactivation_and_time_and_nothing_else()
    {
        var user = await NewUserAsync();
        var changed = user with
        {
            PasswordHash = "$argon2id$new",
            IsServerAdmin = true,
            DeactivatedAt = At(80),
            UpdatedAt = At(81),
            DisplayName = "Not written",
            Email = "not-written@example.test",
            Kind = UserKind.Bot,
            ExternalId = "not-written",
        };

        Assert.True(await _store.Users.UpdateAccountAsync(changed));
        Assert.False(await _store.Users.UpdateAccountAsync(changed with { Id = Ulid.NewUlid() }));

        var expected = user with { PasswordHash = "$argon2id$new", IsServerAdmin = true, DeactivatedAt = At(80), UpdatedAt = At(81) };
        Assert.Equal(expected, await _store.Users.GetAsync(user.Id));
        Assert.Equal(expected, await _store.Users.FindByEmailAsync(user.Email));
        Assert.Null(await _store.Users.FindByExternalIdAsync("not-written"));

        var reactivated = expected with { IsServerAdmin = false, DeactivatedAt = null, UpdatedAt = At(82) };
        Assert.True(await _store.Users.UpdateAccountAsync(reactivated));
        Assert.Equal(reactivated, await _store.Users.GetAsync(user.Id));
    }

    [Fact]
    public async Task Every_field_of_a_credential_reads_back_and_null_scopes_differ_from_empty_scopes()
    {
        var user = await NewUserAsync();
        var login = await NewCredentialAsync(user, CredentialKind.Login, 1);
        var everything = Credential(user, CredentialKind.BotToken, 2) with
        {
            ExpiresAt = DateTimeOffset.MaxValue,
            LastUsedAt = At(9),
            Name = "CI deploys",
            Scopes = ["messages:write", "channels:read"],
            UserAgent = "deploy-bot/1.0 (+https://example.test)",
            IpAddress = "2001:db8::1",
        };
        var none = Credential(user, CredentialKind.BotToken, 3) with { Scopes = [] };
        var ticket = Credential(user, CredentialKind.GatewayTicket, 4, expiresIn: 30) with { ParentId = everything.Id, Scopes = ["messages:write"], IpAddress = "192.0.2.7" };
        foreach (var session in new[] { everything, none, ticket })
        {
            await _store.Users.CreateSessionAsync(session);
        }

        foreach (var session in new[] { login, everything, none, ticket })
        {
            var found = await _store.Users.GetSessionAsync([.. session.TokenHash]);
            Assert.NotNull(found);
            AssertSameSession(session, found.Session);
            Assert.Equal(user, found.User);
        }
        Assert.Null((await _store.Users.GetSessionAsync(login.TokenHash))!.Session.Scopes);
        Assert.Empty((await _store.Users.GetSessionAsync(none.TokenHash))!.Session.Scopes!);
        Assert.Equal(login.CreatedAt, (await _store.Users.GetSessionAsync(login.TokenHash))!.Session.LastUsedAt);

        var tokens = await _store.Users.ListSessionsAsync(user.Id, CredentialKind.BotToken);
        Assert.Equal(2, tokens.Count);
        AssertSameSession(none, tokens[0]);
        AssertSameSession(everything, tokens[1]);
        AssertSameSession(ticket, Assert.Single(await _store.Users.ListSessionsAsync(user.Id, CredentialKind.GatewayTicket)));
    }

    [Fact]
    public async Task Deleting_a_credential_by_its_hash_succeeds_once()
    {
        var user = await NewUserAsync();
        var ticket = await NewCredentialAsync(user, CredentialKind.GatewayTicket, 1, expiresIn: 30);
        var other = await NewCredentialAsync(user, CredentialKind.GatewayTicket, 2, expiresIn: 30);

        Assert.True(await _store.Users.DeleteSessionAsync([.. ticket.TokenHash]));
        Assert.False(await _store.Users.DeleteSessionAsync(ticket.TokenHash));
        Assert.Null(await _store.Users.GetSessionAsync(ticket.TokenHash));
        Assert.NotNull(await _store.Users.GetSessionAsync(other.TokenHash));
        Assert.False(await _store.Users.DeleteSessionAsync(RandomNumberGenerator.GetBytes(32)));
    }

    [Fact]
    public async Task A_users_credentials_of_one_kind_list_newest_first()
    {
        var user = await NewUserAsync();
        var someoneElse = await NewUserAsync();
        var first = await NewCredentialAsync(user, CredentialKind.Login, 10);
        var third = await NewCredentialAsync(user, CredentialKind.Login, 30);
        var second = await NewCredentialAsync(user, CredentialKind.Login, 20);
        await NewCredentialAsync(user, CredentialKind.BotToken, 40);
        await NewCredentialAsync(someoneElse, CredentialKind.Login, 50);

        Assert.Equal([third.Id, second.Id, first.Id], (await _store.Users.ListSessionsAsync(user.Id, CredentialKind.Login)).Select(s => s.Id));
        Assert.Empty(await _store.Users.ListSessionsAsync(user.Id, CredentialKind.GatewayTicket));
        Assert.Empty(await _store.Users.ListSessionsAsync(Ulid.NewUlid(), CredentialKind.Login));
    }

    [Fact]
    public async Task Deleting_a_users_credentials_honours_kind_only_and_except_and_returns_what_went()
    {
        var user = await NewUserAsync();
        var someoneElse = await NewUserAsync();
        var login1 = await NewCredentialAsync(user, CredentialKind.Login, 1);
        var login2 = await NewCredentialAsync(user, CredentialKind.Login, 2);
        var login3 = await NewCredentialAsync(user, CredentialKind.Login, 3);
        var token = await NewCredentialAsync(user, CredentialKind.BotToken, 4);
        var ticket = await NewCredentialAsync(user, CredentialKind.GatewayTicket, 5);
        var theirs = await NewCredentialAsync(someoneElse, CredentialKind.Login, 6);

        // only: one credential, and only if it is of the kind asked and belongs to the user.
        Assert.Empty(await _store.Users.DeleteSessionsAsync(user.Id, CredentialKind.BotToken, login1.Id, null));
        Assert.Empty(await _store.Users.DeleteSessionsAsync(user.Id, null, theirs.Id, null));
        Assert.Empty(await _store.Users.DeleteSessionsAsync(user.Id, null, login1.Id, login1.Id));
        Assert.Equal([login1.Id], await _store.Users.DeleteSessionsAsync(user.Id, CredentialKind.Login, login1.Id, null));
        Assert.Empty(await _store.Users.DeleteSessionsAsync(user.Id, CredentialKind.Login, login1.Id, null));

        // kind and except: "sign out my other logins".
        Assert.Equal([login2.Id], await _store.Users.DeleteSessionsAsync(user.Id, CredentialKind.Login, null, login3.Id));
        Assert.Equal([login3.Id], (await _store.Users.ListSessionsAsync(user.Id, CredentialKind.Login)).Select(s => s.Id));

        // every kind but one credential, then everything.
        Assert.Equal(new HashSet<Ulid> { token.Id, ticket.Id }, (await _store.Users.DeleteSessionsAsync(user.Id, null, null, login3.Id)).ToHashSet());
        Assert.Equal([login3.Id], await _store.Users.DeleteSessionsAsync(user.Id, null, null, null));
        Assert.Empty(await _store.Users.DeleteSessionsAsync(user.Id, null, null, null));

        foreach (var gone in new[] { login1, login2, login3, token, ticket })
        {
            Assert.Null(await _store.Users.GetSessionAsync(gone.TokenHash));
        }
        AssertSameSession(theirs, (await _store.Users.GetSessionAsync(theirs.TokenHash))?.Session);
    }

    [Fact]
    public async Task Touching_a_credential_records_its_use_and_keeps_what_the_client_did_not_say()
    {
        var user = await NewUserAsync();
        var login = await NewCredentialAsync(user, CredentialKind.Login, 1);
        var untouched = await NewCredentialAsync(user, CredentialKind.Login, 2);

        await _store.Users.TouchSessionAsync(login.Id, At(60), "Firefox/140", "198.51.100.4");
        var expected = login with { LastUsedAt = At(60), UserAgent = "Firefox/140", IpAddress = "198.51.100.4" };
        AssertSameSession(expected, (await _store.Users.GetSessionAsync(login.TokenHash))?.Session);

        await _store.Users.TouchSessionAsync(login.Id, At(61), null, null);
        AssertSameSession(expected with { LastUsedAt = At(61) }, (await _store.Users.GetSessionAsync(login.TokenHash))?.Session);

        await _store.Users.TouchSessionAsync(Ulid.NewUlid(), At(62), "nobody", null);
        AssertSameSession(untouched, (await _store.Users.GetSessionAsync(untouched.TokenHash))?.Session);
    }

    [Fact]
    public async Task The_purge_deletes_expired_credentials_of_every_kind_and_idle_logins_only()
    {
        var user = await NewUserAsync();
        // now = At(1000); a login last used before At(500) is idle.
        var expiredLogin = await NewCredentialAsync(user, CredentialKind.Login, 100, expiresIn: 800);
        var expiringNow = await NewCredentialAsync(user, CredentialKind.Login, 100, expiresIn: 900);
        var idleLogin = await NewCredentialAsync(user, CredentialKind.Login, 100, expiresIn: 5000, lastUsed: 499);
        var justActive = await NewCredentialAsync(user, CredentialKind.Login, 100, expiresIn: 5000, lastUsed: 500);
        var idleToken = await NewCredentialAsync(user, CredentialKind.BotToken, 0, expiresIn: 100_000, lastUsed: 0);
        var expiredToken = await NewCredentialAsync(user, CredentialKind.BotToken, 0, expiresIn: 999);
        var expiredTicket = await NewCredentialAsync(user, CredentialKind.GatewayTicket, 900, expiresIn: 30);
        var idleTicket = await NewCredentialAsync(user, CredentialKind.GatewayTicket, 100, expiresIn: 2000, lastUsed: 100);

        Assert.Equal(5, await _store.Users.DeleteExpiredSessionsAsync(At(1000), At(500)));

        foreach (var gone in new[] { expiredLogin, expiringNow, idleLogin, expiredToken, expiredTicket })
        {
            Assert.Null(await _store.Users.GetSessionAsync(gone.TokenHash));
        }
        foreach (var kept in new[] { justActive, idleToken, idleTicket })
        {
            AssertSameSession(kept, (await _store.Users.GetSessionAsync(kept.TokenHash))?.Session);
        }
        Assert.Equal(0, await _store.Users.DeleteExpiredSessionsAsync(At(1000), At(500)));
    }

    [Fact]
    public async Task Api_keys_are_found_by_hash_listed_oldest_first_and_deleted_once()
    {
        var admin = await NewUserAsync();
        var newer = new ApiKey(Ulid.NewUlid(At(20)), "provisioning", RandomNumberGenerator.GetBytes(32), admin.Id, At(20));
        var older = new ApiKey(Ulid.NewUlid(At(10)), "backup sync", RandomNumberGenerator.GetBytes(32), admin.Id, At(10));
        await _store.Users.CreateApiKeyAsync(newer);
        await _store.Users.CreateApiKeyAsync(older);

        AssertSameKey(newer, await _store.Users.GetApiKeyAsync([.. newer.KeyHash]));
        Assert.Null(await _store.Users.GetApiKeyAsync(RandomNumberGenerator.GetBytes(32)));
        var listed = await _store.Users.ListApiKeysAsync();
        Assert.Equal(2, listed.Count);
        AssertSameKey(older, listed[0]);
        AssertSameKey(newer, listed[1]);

        Assert.True(await _store.Users.DeleteApiKeyAsync(older.Id));
        Assert.False(await _store.Users.DeleteApiKeyAsync(older.Id));
        Assert.Null(await _store.Users.GetApiKeyAsync(older.KeyHash));
        AssertSameKey(newer, Assert.Single(await _store.Users.ListApiKeysAsync()));
    }
}
