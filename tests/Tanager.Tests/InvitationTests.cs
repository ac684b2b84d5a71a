using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 9: adding someone to a workspace is an invitation they accept, the answer never tells whether an email has an
/// account, and only the invitee sees or answers an invitation. End to end through the real server on its default policy.
/// </summary>
public sealed class InvitationTests
{
    private static Task<TestServer> DefaultPolicyAsync(TestStorage storage) => TestServer.StartAsync(storage, o => o.AllowDirectMemberAdd = false);

    private static async Task<(HttpStatusCode Status, string Body)> PostMemberAsync(TestServer server, TanagerClient caller, string workspaceId, string json)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/members"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Adding_by_email_answers_the_same_for_an_account_and_for_an_unknown_address(TestStorage storage)
    {
        await using var server = await DefaultPolicyAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var known = await server.NewUserAsync("Known");
        var member = await server.NewUserAsync("Member");
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id);
        await member.AcceptInvitationAsync(Assert.Single(await member.ListInvitationsAsync()).Id);

        var forKnown = await PostMemberAsync(server, owner, workspace.Id, $$"""{"email":"{{known.User!.Email}}"}""");
        var forUnknown = await PostMemberAsync(server, owner, workspace.Id, $$"""{"email":"nobody-{{Guid.NewGuid():N}}@example.test"}""");
        var forMember = await PostMemberAsync(server, owner, workspace.Id, $$"""{"email":"{{member.User.Email}}"}""");
        var again = await PostMemberAsync(server, owner, workspace.Id, $$"""{"email":"{{known.User.Email!.ToUpperInvariant()}}"}""");

        Assert.Equal(HttpStatusCode.Accepted, forKnown.Status);
        Assert.Equal("""{"status":"invited"}""", forKnown.Body);
        Assert.Equal(forKnown, forUnknown);
        Assert.Equal(forKnown, forMember);
        Assert.Equal(forKnown, again);
        // Inviting twice (in any letter case) leaves one invitation; the member invited again has none.
        Assert.Single(await known.ListInvitationsAsync());
        Assert.Empty(await member.ListInvitationsAsync());
        // Nobody joined by being invited.
        Assert.Equal(2, (await owner.ListWorkspaceMembersAsync(workspace.Id)).Count);
        // Bad input is still refused as before.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostMemberAsync(server, owner, workspace.Id, """{"email":"not an address"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostMemberAsync(server, owner, workspace.Id, """{}""")).Status);
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_stranger_is_a_member_only_after_accepting_and_nobody_else_can_answer_the_invitation(TestStorage storage)
    {
        await using var server = await DefaultPolicyAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var stranger = await server.NewUserAsync("Stranger");
        var other = await server.NewUserAsync("Other");
        var live = new ConcurrentQueue<GatewayDispatch>();
        stranger.Gateway.Dispatched += d => { live.Enqueue(d); return Task.CompletedTask; };
        await stranger.Gateway.ConnectAsync().Within();
        var ownerHeard = new TaskCompletionSource<WorkspaceMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        owner.Gateway.WorkspaceMemberAdded += m => Task.FromResult(m.User.Id == stranger.User!.Id && ownerHeard.TrySetResult(m));
        await owner.Gateway.ConnectAsync().Within();

        var answer = await owner.AddWorkspaceMemberAsync(workspace.Id, stranger.User!.Email!, "guest");

        Assert.Equal(AddWorkspaceMemberResponse.StatusInvited, answer.Status);
        Assert.Null(answer.Member);
        Assert.True(await Eventually.Until(() => live.Any(d => d.Type == GatewayEvents.WorkspaceInvitationCreate)), "The invitee's live connection was not told.");
        Assert.DoesNotContain(await owner.ListWorkspaceMembersAsync(workspace.Id), m => m.User.Id == stranger.User.Id);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => stranger.ListChannelsAsync(workspace.Id))).Status);
        var invitation = Assert.Single(await stranger.ListInvitationsAsync());
        Assert.Equal(workspace.Id, invitation.Workspace.Id);
        Assert.Equal("Acme", invitation.Workspace.Name);
        Assert.Equal("guest", invitation.Role);
        Assert.Equal(owner.User!.Id, invitation.InvitedBy!.Id);
        Assert.InRange(invitation.ExpiresAt - invitation.CreatedAt, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7.1));

        // Someone else, the inviter included, sees nothing and cannot accept or decline it.
        Assert.Empty(await other.ListInvitationsAsync());
        Assert.Empty(await owner.ListInvitationsAsync());
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => other.AcceptInvitationAsync(invitation.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.AcceptInvitationAsync(invitation.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => other.DeclineInvitationAsync(invitation.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => stranger.AcceptInvitationAsync("not-an-id"))).Status);

        var joined = await stranger.AcceptInvitationAsync(invitation.Id);

        Assert.Equal(workspace.Id, joined.Id);
        Assert.Equal("guest", joined.Role);
        Assert.Equal("guest", (await stranger.GetWorkspaceMemberAsync(workspace.Id, stranger.User.Id)).Role);
        Assert.Equal("guest", (await ownerHeard.Task.Within()).Role);
        Assert.Empty(await stranger.ListInvitationsAsync());
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => stranger.AcceptInvitationAsync(invitation.Id))).Status);
        // Nothing about the invitation reached the other user.
        Assert.Empty(await other.ListWorkspacesAsync());
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_declined_invitation_is_gone_and_an_address_that_registers_later_finds_its_invitation(TestStorage storage)
    {
        await using var server = await DefaultPolicyAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var decliner = await server.NewUserAsync("Decliner");
        await owner.AddWorkspaceMemberAsync(workspace.Id, decliner.User!.Email!);
        var declined = Assert.Single(await decliner.ListInvitationsAsync());

        await decliner.DeclineInvitationAsync(declined.Id);

        Assert.Empty(await decliner.ListInvitationsAsync());
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => decliner.AcceptInvitationAsync(declined.Id))).Status);
        Assert.Single(await owner.ListWorkspaceMembersAsync(workspace.Id));

        var email = $"later-{Guid.NewGuid():N}@example.test";
        await owner.AddWorkspaceMemberAsync(workspace.Id, email.ToUpperInvariant(), "member");
        await using var later = await TanagerClient.RegisterAsync(server.Url, email, "correct horse battery", "Later");
        var invitation = Assert.Single(await later.ListInvitationsAsync());
        Assert.Equal(workspace.Id, (await later.AcceptInvitationAsync(invitation.Id)).Id);
        Assert.Contains(await owner.ListWorkspaceMembersAsync(workspace.Id), m => m.User.Id == later.User!.Id && m.Role == "member");
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    public async Task Inviting_follows_the_role_rules_of_adding(TestStorage storage)
    {
        await using var server = await DefaultPolicyAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var admin = await server.NewUserAsync("Admin");
        await owner.AddWorkspaceMemberAsync(workspace.Id, admin.User!.Email!, "admin");
        await admin.AcceptInvitationAsync(Assert.Single(await admin.ListInvitationsAsync()).Id);
        var member = await server.NewUserAsync("Member");
        await admin.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id);
        await member.AcceptInvitationAsync(Assert.Single(await member.ListInvitationsAsync()).Id);

        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => admin.AddWorkspaceMemberAsync(workspace.Id, "x@example.test", "admin"))).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => member.AddWorkspaceMemberAsync(workspace.Id, "x@example.test"))).Status);
        Assert.Equal(400, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.AddWorkspaceMemberAsync(workspace.Id, "x@example.test", "owner"))).Status);
        // By id on the default policy it is an invitation too, and a member already in is a conflict.
        Assert.Equal(AddWorkspaceMemberResponse.StatusInvited, (await owner.AddWorkspaceMemberByIdAsync(workspace.Id, (await server.NewUserAsync()).User!.Id)).Status);
        Assert.Equal(409, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User.Id))).Status);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task With_direct_add_allowed_an_owner_adds_by_user_id_at_once_but_email_still_invites(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage, o => o.AllowDirectMemberAdd = true);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var bob = await server.NewUserAsync("Bob");
        var carol = await server.NewUserAsync("Carol");

        var added = await owner.AddWorkspaceMemberByIdAsync(workspace.Id, bob.User!.Id, "guest");
        var (status, body) = await PostMemberAsync(server, owner, workspace.Id, $$"""{"email":"{{carol.User!.Email}}"}""");

        Assert.Equal(AddWorkspaceMemberResponse.StatusAdded, added.Status);
        Assert.Equal(bob.User.Id, added.Member!.User.Id);
        Assert.Equal("guest", added.Member.Role);
        Assert.Empty(await bob.ListInvitationsAsync());
        Assert.Equal((HttpStatusCode.Accepted, """{"status":"invited"}"""), (status, body));
        Assert.DoesNotContain(await owner.ListWorkspaceMembersAsync(workspace.Id), m => m.User.Id == carol.User.Id);
        Assert.Single(await carol.ListInvitationsAsync());
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.AddWorkspaceMemberByIdAsync(workspace.Id, "01J00000000000000000000000"))).Status);
    }
}
