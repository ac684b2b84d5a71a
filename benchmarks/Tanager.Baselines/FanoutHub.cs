using Microsoft.AspNetCore.SignalR;

namespace Tanager.Baselines;

/// <summary>
/// The hub a .NET team would write for a group chat: subscribers join a group and the publisher broadcasts to it.
/// Default JSON protocol; <c>Clients.Group</c> serializes the message once per protocol and writes it to every member.
/// </summary>
internal sealed class FanoutHub : Hub
{
    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);

    public Task Broadcast(string group, string payload) => Clients.Group(group).SendAsync("message", payload);
}
