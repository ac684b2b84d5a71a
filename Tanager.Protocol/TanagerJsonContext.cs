using System.Text.Json.Serialization;

namespace Tanager.Protocol;

/// <summary>The one source-generated JSON context for every wire contract: snake_case names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = false,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(UserDto))]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(WorkspaceDto))]
[JsonSerializable(typeof(IReadOnlyList<WorkspaceDto>))]
[JsonSerializable(typeof(CreateWorkspaceRequest))]
[JsonSerializable(typeof(AddWorkspaceMemberRequest))]
[JsonSerializable(typeof(WorkspaceMemberDto))]
[JsonSerializable(typeof(IReadOnlyList<WorkspaceMemberDto>))]
[JsonSerializable(typeof(ChannelDto))]
[JsonSerializable(typeof(IReadOnlyList<ChannelDto>))]
[JsonSerializable(typeof(CreateChannelRequest))]
[JsonSerializable(typeof(ChannelMemberDto))]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(PostMessageRequest))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(SearchResults))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(ReactionEventDto))]
[JsonSerializable(typeof(IReadOnlyList<MessageDto>))]
[JsonSerializable(typeof(IReadOnlyList<ThreadDto>))]
[JsonSerializable(typeof(ThreadFollowDto))]
[JsonSerializable(typeof(GatewayFrame))]
[JsonSerializable(typeof(HelloData))]
[JsonSerializable(typeof(IdentifyData))]
[JsonSerializable(typeof(ReadyData))]
[JsonSerializable(typeof(ErrorData))]
[JsonSerializable(typeof(TypingData))]
[JsonSerializable(typeof(PresenceData))]
[JsonSerializable(typeof(ChannelOverrideDto))]
[JsonSerializable(typeof(ChannelDeleteDto))]
[JsonSerializable(typeof(UpdateChannelRequest))]
[JsonSerializable(typeof(SetChannelOverrideRequest))]
[JsonSerializable(typeof(AddChannelMemberRequest))]
[JsonSerializable(typeof(IReadOnlyList<ChannelMemberDto>))]
[JsonSerializable(typeof(UpdateWorkspaceRequest))]
[JsonSerializable(typeof(UpdateWorkspaceMemberRequest))]
[JsonSerializable(typeof(TransferWorkspaceRequest))]
[JsonSerializable(typeof(CreateInviteRequest))]
[JsonSerializable(typeof(InviteDto))]
[JsonSerializable(typeof(IReadOnlyList<InviteDto>))]
[JsonSerializable(typeof(UpdateProfileRequest))]
public sealed partial class TanagerJsonContext : JsonSerializerContext;
