from django.urls import path

from applications.views import attachments, dialogue, documents, eoi, invitations, messages, recruitment, versions

app_name = "applications"

urlpatterns = [
    path("", eoi.dashboard, name="dashboard"),
    path("start/<int:partnership_pk>/", eoi.start, name="start"),
    path("<int:pk>/", eoi.detail, name="detail"),
    path("<int:pk>/history/", eoi.history, name="history"),
    path("<int:pk>/edit/<str:part>/", eoi.edit, name="edit"),
    path("<int:pk>/confirm/", eoi.confirm, name="confirm"),
    path("<int:pk>/submit/", eoi.submit, name="submit"),
    path("<int:pk>/withdraw/", eoi.withdraw, name="withdraw"),
    path("<int:pk>/invitations/", invitations.invite, name="invite"),
    path("<int:pk>/invitations/<int:invitation_pk>/resend/", invitations.resend, name="invitation_resend"),
    path("<int:pk>/invitations/<int:invitation_pk>/revoke/", invitations.revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
    path("<int:pk>/attachments/", attachments.upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachments.download, name="attachment_download"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", attachments.delete, name="attachment_delete"),
    path("<int:pk>/pdf/", documents.request_pdf, name="pdf_request"),
    path("<int:pk>/pdf/<int:document_pk>/", documents.download, name="pdf_download"),
    path("<int:pk>/pdf/status/", documents.status_partial, name="pdf_status"),
    path("<int:pk>/versions/", versions.compare, name="versions"),
    path("<int:pk>/terms/", dialogue.terms, name="terms"),
    path("<int:pk>/terms/propose/", dialogue.propose_terms, name="terms_propose"),
    path("<int:pk>/terms/<int:number>/agree/", dialogue.agree_terms, name="terms_agree"),
    path("<int:pk>/terms/<int:number>/pdf/", dialogue.terms_pdf, name="terms_pdf"),
    path("<int:pk>/messages/", messages.post_message, name="message_post"),
    path("<int:pk>/messages/<int:message_pk>/attachment/", messages.message_attachment, name="message_attachment"),
    path("recruitment/", recruitment.recruitment_list, name="recruitment_list"),
    path("recruitment/<int:pk>/", recruitment.recruitment_detail, name="recruitment_detail"),
    path("recruitment/<int:pk>/vacancy/", recruitment.vacancy, name="vacancy"),
]
