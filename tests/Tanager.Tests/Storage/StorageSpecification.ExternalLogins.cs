using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>Single sign-on: identities at outside providers linked to users, and the session kinds that carry a sign-in.</summary>
public abstract partial class StorageSpecification
{
    [Fact]
    public async Task An_external_login_is_linked_once_and_found_by_its_exact_provider_and_subject()
    {
        var user = await NewUserAsync();
        var other = await NewUserAsync();
        var login = new ExternalLogin("corp", "Sub-1", user.Id, At(5)) { Email = "Ada@Example.test" };
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(login));
        // The same identity cannot be linked again, to anyone.
        Assert.False(await _store.ExternalLogins.TryAddExternalLoginAsync(new ExternalLogin("corp", "Sub-1", other.Id, At(6))));

        Assert.Equal(login, await _store.ExternalLogins.FindExternalLoginAsync("corp", "Sub-1"));
        // Subjects are opaque and compared exactly; the same subject at another provider is another identity.
        Assert.Null(await _store.ExternalLogins.FindExternalLoginAsync("corp", "sub-1"));
        Assert.Null(await _store.ExternalLogins.FindExternalLoginAsync("github", "Sub-1"));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(new ExternalLogin("github", "Sub-1", other.Id, At(7))));
        Assert.Equal(other.Id, (await _store.ExternalLogins.FindExternalLoginAsync("github", "Sub-1"))!.UserId);
    }

    [Fact]
    public async Task A_users_external_logins_are_listed_oldest_first_and_an_email_may_be_missing()
    {
        var user = await NewUserAsync();
        var stranger = await NewUserAsync();
        var github = new ExternalLogin("github", "583231", user.Id, At(20));
        var corp = new ExternalLogin("corp", "a1b2", user.Id, At(10)) { Email = "ada@corp.example" };
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(github));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(corp));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(new ExternalLogin("corp", "zz", stranger.Id, At(15))));

        Assert.Equal([corp, github], await _store.ExternalLogins.ListExternalLoginsAsync(user.Id));
        Assert.Empty(await _store.ExternalLogins.ListExternalLoginsAsync(Ulid.NewUlid()));
    }

    [Fact]
    public async Task Removing_a_users_links_to_a_provider_leaves_other_providers_and_other_users()
    {
        var user = await NewUserAsync();
        var stranger = await NewUserAsync();
        var github = new ExternalLogin("github", "583231", user.Id, At(20));
        var theirs = new ExternalLogin("corp", "zz", stranger.Id, At(15));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(new ExternalLogin("corp", "a1b2", user.Id, At(10))));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(github));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(theirs));

        Assert.True(await _store.ExternalLogins.RemoveExternalLoginsAsync(user.Id, "corp"));
        Assert.False(await _store.ExternalLogins.RemoveExternalLoginsAsync(user.Id, "corp"));
        Assert.Equal([github], await _store.ExternalLogins.ListExternalLoginsAsync(user.Id));
        Assert.Equal(theirs, await _store.ExternalLogins.FindExternalLoginAsync("corp", "zz"));
        // The identity is free again: it may be linked anew.
        Assert.Null(await _store.ExternalLogins.FindExternalLoginAsync("corp", "a1b2"));
        Assert.True(await _store.ExternalLogins.TryAddExternalLoginAsync(new ExternalLogin("corp", "a1b2", stranger.Id, At(30))));
    }

    [Fact]
    public async Task Sign_in_codes_and_link_tickets_are_stored_as_session_kinds_and_deleted_once()
    {
        var user = await NewUserAsync();
        var code = await NewCredentialAsync(user, CredentialKind.SsoCode, 0, expiresIn: 60);
        var ticket = await NewCredentialAsync(user, CredentialKind.SsoLinkTicket, 0, expiresIn: 120);
        AssertSameSession(code, (await _store.Users.GetSessionAsync(code.TokenHash))?.Session);
        AssertSameSession(ticket, (await _store.Users.GetSessionAsync(ticket.TokenHash))?.Session);
        Assert.True(await _store.Users.DeleteSessionAsync(code.TokenHash));
        Assert.False(await _store.Users.DeleteSessionAsync(code.TokenHash));
        // The purge removes them when they expire, as any credential.
        Assert.Equal(1, await _store.Users.DeleteExpiredSessionsAsync(At(121), At(-1)));
        Assert.Null(await _store.Users.GetSessionAsync(ticket.TokenHash));
    }
}
