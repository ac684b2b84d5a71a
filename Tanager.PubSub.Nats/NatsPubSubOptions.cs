using Tanager.PubSub.Nats.Internal;

namespace Tanager.PubSub.Nats;

/// <summary>How <see cref="NatsPubSub"/> reaches NATS. Validated at start-up (<see cref="Validate"/>).</summary>
public sealed class NatsPubSubOptions
{
    /// <summary>
    /// Required. <c>nats://host:port</c> or <c>tls://host:port</c> (port 4222 when omitted); several servers of one cluster
    /// separated by commas. <c>nats://user:password@host</c> or <c>nats://token@host</c> authenticates; the credentials are
    /// never logged.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>The client name the NATS server shows for this node's connection (monitoring, <c>connz</c>).</summary>
    public string Name { get; set; } = "tanager";

    /// <summary>How long one attempt to open a connection to one server may take, at start-up and on each reconnect.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a publish or a subscribe waits for NATS. A publish that cannot be handed to the connection in this time
    /// is dropped (and <see cref="NatsPubSub.DeliveriesLost"/> is raised once NATS works again); a subscribe that the
    /// server has not confirmed in this time fails with <see cref="NatsUnreachableException"/>.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Payloads one subscription may hold between the socket and its handler. When it is full, further payloads for that
    /// subject are dropped and counted, and <see cref="NatsPubSub.DeliveriesLost"/> is raised. 16,384 is NATS.Net's own
    /// default; the handler only enqueues, so the buffer fills only when the process is starved of CPU.
    /// </summary>
    public int SubscriptionBufferCapacity { get; set; } = 16_384;

    /// <summary>Every problem with these settings, as messages that name the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(Url))
        {
            failures.Add("Nats:Url is required: a nats://host:port or tls://host:port URL.");
        }
        else if (NatsUrl.Parse(Url, out var error) is null)
        {
            failures.Add($"Nats:Url {error}");
        }
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(char.IsWhiteSpace))
        {
            failures.Add("Nats:Name must be a non-empty name without spaces.");
        }
        if (ConnectTimeout < TimeSpan.FromMilliseconds(100) || ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Nats:ConnectTimeout must be between 100 milliseconds and 5 minutes.");
        }
        if (CommandTimeout < TimeSpan.FromMilliseconds(100) || CommandTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Nats:CommandTimeout must be between 100 milliseconds and 5 minutes.");
        }
        if (SubscriptionBufferCapacity is < 16 or > 1_048_576)
        {
            failures.Add("Nats:SubscriptionBufferCapacity must be between 16 and 1048576.");
        }
        return failures;
    }
}
