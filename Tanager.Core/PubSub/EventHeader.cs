using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Text;
using NUlid;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// What a node needs to know of an event to route it, decided where the event happens and carried beside the serialized
/// bytes through <see cref="IPubSub"/>: its name, its scope (and so its subject), its place in the channel's change
/// stream, its audience, and what it changes for the connections of the user it addresses. No receiver reads the JSON.
/// </summary>
public sealed class EventHeader
{
    private const byte FormatVersion = 1;
    private const int FixedLength = 1 + 1 + 1 + 1 + 1 + 8 + (4 * 16) + 1 + 2;
    private static readonly FrozenDictionary<string, string> KnownNames = typeof(GatewayEvents).GetFields()
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Append(NodeWordName)
        .ToFrozenDictionary(n => n, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KnownNamesBySpan = KnownNames.GetAlternateLookup<ReadOnlySpan<char>>();

    private const string NodeWordName = "tanager.node";

    /// <summary>The header of what nodes say to each other (presence, resync): no client ever receives it.</summary>
    public static EventHeader NodeWord { get; } = new() { Name = NodeWordName, Scope = EventScope.Node };

    private string? _subject;
    private readonly Ulid _exceptUserId;

    /// <summary>The DISPATCH event name (<c>t</c>), e.g. <c>MESSAGE_CREATE</c>.</summary>
    public required string Name { get; init; }
    public EventScope Scope { get; init; }
    public Ulid WorkspaceId { get; init; }
    /// <summary>The channel the event concerns, if any: for workspace-scope events, the channel whose visibility decides the audience.</summary>
    public Ulid ChannelId { get; init; }
    /// <summary>For user-scope events, the user addressed.</summary>
    public Ulid UserId { get; init; }
    /// <summary>The change sequence the event took in its channel, or 0 for events outside the change stream.</summary>
    public long Sequence { get; init; }
    /// <summary>For workspace-scope events about a channel: the roles that may see the channel (its members always do).</summary>
    public RoleSet Roles { get; init; } = RoleSet.All;
    /// <summary>A user whose connections skip this copy because the same event reaches them on their own subject.</summary>
    public Ulid ExceptUserId
    {
        get => _exceptUserId;
        init
        {
            _exceptUserId = value;
            HasExcept = value != default;
        }
    }
    public SessionControl Control { get; init; }
    /// <summary>The role for <see cref="SessionControl.WorkspaceJoined"/> and <see cref="SessionControl.WorkspaceRoleChanged"/>.</summary>
    public WorkspaceRole Role { get; init; }
    /// <summary>The credentials a <see cref="SessionControl.Revoked"/> names; empty for all of the user's.</summary>
    public IReadOnlyList<Ulid> Credentials { get; init; } = [];

    /// <summary>Whether <see cref="ExceptUserId"/> is set: read per recipient, so worked out once.</summary>
    internal bool HasExcept { get; private init; }
    internal bool ConcernsChannel => ChannelId != default;

    /// <summary>The subject the event is published on, from its scope.</summary>
    public string Subject => _subject ??= Scope switch
    {
        EventScope.Channel => Subjects.Channel(WorkspaceId, ChannelId),
        EventScope.Workspace => Subjects.Workspace(WorkspaceId),
        EventScope.User => Subjects.User(UserId),
        _ => throw new InvalidOperationException("A node word has no subject of its own: it is published to one explicitly."),
    };

    internal static EventHeader ForChannel(string name, Ulid workspaceId, Ulid channelId, long sequence = 0, Ulid exceptUserId = default) =>
        new() { Name = name, Scope = EventScope.Channel, WorkspaceId = workspaceId, ChannelId = channelId, Sequence = sequence, ExceptUserId = exceptUserId };

    internal static EventHeader ForWorkspace(string name, Ulid workspaceId, Ulid exceptUserId = default) =>
        new() { Name = name, Scope = EventScope.Workspace, WorkspaceId = workspaceId, ExceptUserId = exceptUserId };

    internal static EventHeader ForUser(string name, Ulid userId, SessionControl control = SessionControl.None, Ulid workspaceId = default, Ulid channelId = default, WorkspaceRole role = default) =>
        new() { Name = name, Scope = EventScope.User, UserId = userId, Control = control, WorkspaceId = workspaceId, ChannelId = channelId, Role = role };

    /// <summary>
    /// A workspace event about <paramref name="channel"/>, for those who see the channel without being its members
    /// (<paramref name="roles"/>, by default the roles that may see it): members hear of it on the channel's own subject.
    /// </summary>
    internal static EventHeader ForChannelViewers(string name, Channel channel, RoleSet? roles = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new() { Name = name, Scope = EventScope.Workspace, WorkspaceId = channel.WorkspaceId, ChannelId = channel.Id, Roles = roles ?? Permissions.RolesSeeing(channel) };
    }

    /// <summary>The encoded length of this header.</summary>
    public int EncodedLength => FixedLength + Name.Length + (16 * Credentials.Count);

    /// <summary>Writes the header in its compact binary form (little-endian, version 1), for a pub/sub that carries bytes.</summary>
    public void Write(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Name.Length > byte.MaxValue || !Ascii.IsValid(Name) || Credentials.Count > ushort.MaxValue)
        {
            throw new InvalidOperationException("An event name is at most 255 ASCII characters, with at most 65535 credentials.");
        }
        var length = EncodedLength;
        var span = writer.GetSpan(length)[..length];
        span[0] = FormatVersion;
        span[1] = (byte)Scope;
        span[2] = (byte)Control;
        span[3] = (byte)Roles;
        span[4] = (byte)Role;
        BinaryPrimitives.WriteInt64LittleEndian(span[5..], Sequence);
        var at = 13;
        foreach (var id in (ReadOnlySpan<Ulid>)[WorkspaceId, ChannelId, UserId, ExceptUserId])
        {
            id.ToByteArray().CopyTo(span.Slice(at, 16));
            at += 16;
        }
        span[at++] = (byte)Name.Length;
        at += Encoding.ASCII.GetBytes(Name, span[at..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)Credentials.Count);
        at += 2;
        foreach (var credential in Credentials)
        {
            credential.ToByteArray().CopyTo(span.Slice(at, 16));
            at += 16;
        }
        writer.Advance(length);
    }

    /// <summary>Reads a header written by <see cref="Write"/>; <paramref name="consumed"/> is its length. False when the bytes are not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out EventHeader? header, out int consumed)
    {
        header = null;
        consumed = 0;
        if (bytes.Length < FixedLength || bytes[0] != FormatVersion || bytes[1] > (byte)EventScope.User || bytes[2] > (byte)SessionControl.Revoked
            || bytes[3] > (byte)RoleSet.All || bytes[4] > (byte)WorkspaceRole.Guest)
        {
            return false;
        }
        var at = 13;
        Span<Ulid> ids = stackalloc Ulid[4];
        for (var i = 0; i < 4; i++, at += 16)
        {
            ids[i] = new Ulid(bytes.Slice(at, 16));
        }
        var nameLength = bytes[at++];
        if (bytes.Length < FixedLength + nameLength || !Ascii.IsValid(bytes.Slice(at, nameLength)))
        {
            return false;
        }
        Span<char> chars = stackalloc char[nameLength];
        Encoding.ASCII.GetChars(bytes.Slice(at, nameLength), chars);
        var name = KnownNamesBySpan.TryGetValue(chars, out var known) ? known : new string(chars);
        at += nameLength;
        int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
        at += 2;
        if (bytes.Length < at + (16 * count))
        {
            return false;
        }
        var credentials = count == 0 ? [] : new Ulid[count];
        for (var i = 0; i < count; i++, at += 16)
        {
            credentials[i] = new Ulid(bytes.Slice(at, 16));
        }
        header = new EventHeader
        {
            Name = name,
            Scope = (EventScope)bytes[1],
            Control = (SessionControl)bytes[2],
            Roles = (RoleSet)bytes[3],
            Role = (WorkspaceRole)bytes[4],
            Sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[5..]),
            WorkspaceId = ids[0],
            ChannelId = ids[1],
            UserId = ids[2],
            ExceptUserId = ids[3],
            Credentials = credentials,
        };
        consumed = at;
        return true;
    }
}
