using System.Collections.Concurrent;
using System.Net;
using System.Text;
using NUlid;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Issue 14: an embedding app's hooks (docs/embedding.md §10), on a real server.</summary>
public sealed class HookTests
{
    [Fact]
    public async Task Moderation_refuses_or_rewrites_every_kind_of_post_and_after_commit_handlers_see_each_change_once_even_when_one_throws()
    {
        var drafts = new ConcurrentQueue<MessageDraft>();
        var posted = new ConcurrentQueue<MessageDto>();
        var joined = new ConcurrentQueue<WorkspaceMemberDto>();
        var channelJoined = new ConcurrentQueue<ChannelMemberDto>();
        await using var server = await TestServer.StartAsync(TestServer.InMemorySettings(), services: s => new TanagerBuilder(s).AddHooks(hooks => hooks
            .BeforeMessage((draft, _) =>
            {
                drafts.Enqueue(draft);
                if (draft.Content.Contains("spam", StringComparison.Ordinal))
                {
                    draft.Reject("No spam, please.");
                }
                return ValueTask.CompletedTask;
            })
            .BeforeMessage((draft, _) =>
            {
                draft.Content = draft.Content.Replace("darn", "d**n", StringComparison.Ordinal);
                return ValueTask.CompletedTask;
            })
            .OnMessagePosted((_, _) => throw new InvalidOperationException("a handler that fails"))
            .OnMessagePosted((message, _) =>
            {
                posted.Enqueue(message);
                return ValueTask.CompletedTask;
            })
            .OnMemberJoined((member, _) =>
            {
                joined.Enqueue(member);
                return ValueTask.CompletedTask;
            })
            .OnChannelMemberJoined((member, _) =>
            {
                channelJoined.Enqueue(member);
                return ValueTask.CompletedTask;
            })));
        await using var ann = await server.NewUserAsync("Ann");
        await using var ben = await server.NewUserAsync("Ben");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var channel = await ann.CreateChannelAsync(workspace.Id, "general");
        await ann.AddWorkspaceMemberByIdAsync(workspace.Id, ben.User!.Id);
        await ben.JoinChannelAsync(workspace.Id, channel.Id);

        // Joins: the creator's own membership and Ben's, each once, before the request that made it was answered.
        Assert.Equal([ann.User!.Id, ben.User.Id], joined.Select(m => m.User.Id));
        Assert.Equal([(channel.Id, ann.User.Id), (channel.Id, ben.User.Id)], channelJoined.Select(m => (m.ChannelId, m.UserId)));

        // A refusal: 403 message_rejected with the app's reason, nothing stored; the second hook never saw it.
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => ben.PostMessageAsync(workspace.Id, channel.Id, "buy spam"));
        Assert.Equal((403, ErrorCodes.MessageRejected), (refused.Status, refused.Code));
        Assert.Contains("No spam, please.", refused.Message, StringComparison.Ordinal);
        // A rewrite, stored and announced as rewritten; the failing handler did not stop the send or the next handler.
        var message = await ben.PostMessageAsync(workspace.Id, channel.Id, "darn it");
        Assert.Equal("d**n it", message.Content);
        Assert.Equal(["d**n it"], posted.Select(m => m.Content));
        Assert.Equal(message.Id, posted.Single().Id);
        var draft = drafts.Last();
        Assert.Equal((Ulid.Parse(workspace.Id), Ulid.Parse(channel.Id), Ulid.Parse(ben.User.Id), (Ulid?)null), (draft.WorkspaceId, draft.ChannelId, draft.AuthorId, draft.EditedMessageId));

        // Edits pass the same checks: an edit cannot slip in what a post could not.
        var edit = await Assert.ThrowsAsync<TanagerApiException>(() => ben.EditMessageAsync(workspace.Id, channel.Id, message.Id, "now with spam"));
        Assert.Equal(ErrorCodes.MessageRejected, edit.Code);
        Assert.Equal(Ulid.Parse(message.Id), drafts.Last().EditedMessageId);
        Assert.Equal("d**n it", (await ann.GetMessageAsync(workspace.Id, channel.Id, message.Id)).Content);

        // So do an incoming webhook's posts.
        var hook = await ann.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "CI");
        using var http = new HttpClient();
        using var viaHook = await http.PostAsync(hook.Url, new StringContent("""{"content":"spam from CI"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, viaHook.StatusCode);
        Assert.Contains(ErrorCodes.MessageRejected, await viaHook.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["d**n it"], (await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages.Select(m => m.Content));
        Assert.Single(posted);
    }
}
