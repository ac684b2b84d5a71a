using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class WorkspaceEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workspaces", async (HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateWorkspaceRequest);
            var (workspace, member) = await workspaces.CreateAsync(context.Caller().UserId, body.Name, context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createWorkspace", "Create a workspace", "The caller becomes its owner.").Body<CreateWorkspaceRequest>().Produces<WorkspaceDto>(StatusCodes.Status201Created);

        api.MapGet("/workspaces", async (HttpContext context, WorkspaceService workspaces) =>
        {
            var list = await workspaces.ListAsync(context.Caller().UserId, context.RequestAborted);
            IReadOnlyList<WorkspaceDto> dtos = [.. list.Select(p => p.Workspace.ToDto(p.Member))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListWorkspaceDto);
        })
            .Describe("listWorkspaces", "List workspaces", "The workspaces the caller is a member of.").Produces<IReadOnlyList<WorkspaceDto>>();

        api.MapGet("/workspaces/{workspaceId}", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var (workspace, member) = await workspaces.GetAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto);
        })
            .Describe("getWorkspace", "Get a workspace").Produces<WorkspaceDto>();

        api.MapPost("/workspaces/{workspaceId}/members", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.AddWorkspaceMemberRequest);
            var added = await workspaces.AddMemberAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.UserId, body.Email, body.Role, context.RequestAborted);
            // 202 and one fixed body for every invitation: nothing in the answer says whether the address has an account.
            return added is { Member: { } member, User: { } user }
                ? (IResult)TypedResults.Json(member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, statusCode: StatusCodes.Status201Created)
                : TypedResults.Json(new AddWorkspaceMemberResponse { Status = AddWorkspaceMemberResponse.StatusInvited }, TanagerJsonContext.Default.AddWorkspaceMemberResponse, statusCode: StatusCodes.Status202Accepted);
        })
            .Describe("addWorkspaceMember", "Invite or add a member",
            "Invites a person by user id or email: 202 with one fixed body whether or not the address has an account. Under the direct-add policy a user id is added at once: 201 with the member.")
            .Body<AddWorkspaceMemberRequest>().Produces<WorkspaceMemberDto>(StatusCodes.Status201Created).Produces<AddWorkspaceMemberResponse>(StatusCodes.Status202Accepted);

        api.MapGet("/invitations", async (HttpContext context, WorkspaceService workspaces) =>
        {
            var invitations = await workspaces.ListInvitationsAsync(context.Caller().UserId, context.RequestAborted);
            IReadOnlyList<InvitationDto> dtos = [.. invitations.Select(i => i.Invitation.ToDto(i.Workspace, i.InvitedBy))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListInvitationDto);
        })
            .Describe("listInvitations", "Your invitations", "Pending invitations to workspaces, addressed to the caller.").Produces<IReadOnlyList<InvitationDto>>();

        api.MapPost("/invitations/{invitationId}/accept", async (string invitationId, HttpContext context, WorkspaceService workspaces) =>
        {
            var (workspace, member) = await workspaces.AcceptInvitationAsync(context.Caller().UserId, Ids.Parse(invitationId, "Invitation"), context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto);
        })
            .Describe("acceptInvitation", "Accept an invitation").Produces<WorkspaceDto>();

        api.MapPost("/invitations/{invitationId}/decline", async (string invitationId, HttpContext context, WorkspaceService workspaces) =>
        {
            await workspaces.DeclineInvitationAsync(context.Caller().UserId, Ids.Parse(invitationId, "Invitation"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("declineInvitation", "Decline an invitation").Empty();

        api.MapGet("/workspaces/{workspaceId}/members", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var members = await workspaces.ListMembersAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<WorkspaceMemberDto> dtos = [.. members.Select(p => p.Member.ToDto(p.User))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListWorkspaceMemberDto);
        })
            .Describe("listWorkspaceMembers", "List members").Produces<IReadOnlyList<WorkspaceMemberDto>>();

        api.MapPatch("/workspaces/{workspaceId}", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.UpdateWorkspaceRequest);
            var (workspace, member) = await workspaces.RenameAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.Name, context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto);
        })
            .Describe("renameWorkspace", "Rename a workspace").Body<UpdateWorkspaceRequest>().Produces<WorkspaceDto>();

        api.MapPost("/workspaces/{workspaceId}/transfer", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.TransferWorkspaceRequest);
            var (workspace, member) = await workspaces.TransferOwnershipAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.UserId, context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto);
        })
            .Describe("transferWorkspace", "Transfer ownership", "The owner hands the workspace to another member.").Body<TransferWorkspaceRequest>().Produces<WorkspaceDto>();

        api.MapPost("/workspaces/{workspaceId}/leave", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            await workspaces.LeaveAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("leaveWorkspace", "Leave a workspace").Empty();

        api.MapGet("/workspaces/{workspaceId}/members/{userId}", async (string workspaceId, string userId, HttpContext context, WorkspaceService workspaces) =>
        {
            var (member, user) = await workspaces.GetMemberAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(userId, "Member"), context.RequestAborted);
            return TypedResults.Json(member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto);
        })
            .Describe("getWorkspaceMember", "Get a member").Produces<WorkspaceMemberDto>();

        api.MapPatch("/workspaces/{workspaceId}/members/{userId}", async (string workspaceId, string userId, HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.UpdateWorkspaceMemberRequest);
            var (member, user) = await workspaces.ChangeRoleAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(userId, "Member"), body.Role, context.RequestAborted);
            return TypedResults.Json(member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto);
        })
            .Describe("changeWorkspaceRole", "Change a member's role").Body<UpdateWorkspaceMemberRequest>().Produces<WorkspaceMemberDto>();

        api.MapDelete("/workspaces/{workspaceId}/members/{userId}", async (string workspaceId, string userId, HttpContext context, WorkspaceService workspaces) =>
        {
            await workspaces.RemoveMemberAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(userId, "Member"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("removeWorkspaceMember", "Remove a member").Empty();

        api.MapPost("/workspaces/{workspaceId}/invites", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateInviteRequest);
            var (invite, code) = await workspaces.CreateInviteAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.Role, body.MaxUses, body.ExpiresInSeconds, context.RequestAborted);
            return TypedResults.Json(invite.ToDto(code), TanagerJsonContext.Default.InviteDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createInvite", "Create an invite", "An invite code that anyone may use to join, within its uses and lifetime; the code is shown only here.").Body<CreateInviteRequest>().Produces<InviteDto>(StatusCodes.Status201Created);

        api.MapGet("/workspaces/{workspaceId}/invites", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var invites = await workspaces.ListInvitesAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<InviteDto> dtos = [.. invites.Select(i => i.ToDto())];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListInviteDto);
        })
            .Describe("listInvites", "List invites").Produces<IReadOnlyList<InviteDto>>();

        api.MapDelete("/workspaces/{workspaceId}/invites/{inviteId}", async (string workspaceId, string inviteId, HttpContext context, WorkspaceService workspaces) =>
        {
            await workspaces.RevokeInviteAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(inviteId, "Invite"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("revokeInvite", "Revoke an invite").Empty();

        // The code is a secret: it travels in the path of a POST (never logged by Tanager), and only its hash is stored.
        api.MapPost("/invites/{code}/accept", async (string code, HttpContext context, WorkspaceService workspaces) =>
        {
            var (workspace, member) = await workspaces.AcceptInviteAsync(context.Caller().UserId, code, context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto);
        })
            .Describe("acceptInvite", "Join with an invite code").Produces<WorkspaceDto>();
    }
}
