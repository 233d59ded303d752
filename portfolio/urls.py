from django.urls import path

from .views import clients, imports, interactions, invoices

app_name = "portfolio"

urlpatterns = [
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/suggestions/", clients.client_suggestions, name="client_suggestions"),
    path("clients/trash/", clients.client_trash_list, name="client_trash"),
    path("clients/<uuid:code>/", clients.client_detail, name="client_detail"),
    path("clients/<uuid:code>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<uuid:code>/status/", clients.client_status, name="client_status"),
    path("clients/<uuid:code>/hand-over/", clients.client_hand_over, name="client_hand_over"),
    path("clients/<uuid:code>/departure/", clients.client_departure, name="client_departure"),
    path("clients/<uuid:code>/trash/", clients.client_trash, name="client_trash_move"),
    path("clients/<uuid:code>/restore/", clients.client_restore, name="client_restore"),
    path("clients/<uuid:code>/delete/", clients.client_delete, name="client_delete"),
    path("clients/<uuid:code>/invoices/new/", invoices.invoice_create, name="invoice_create"),
    path("interactions/new/", interactions.interaction_create, name="interaction_create"),
    path("interactions/<uuid:code>/edit/", interactions.interaction_edit, name="interaction_edit"),
    path(
        "interactions/<uuid:code>/delete/",
        interactions.interaction_delete,
        name="interaction_delete",
    ),
    path(
        "interactions/<uuid:code>/restore/",
        interactions.interaction_restore,
        name="interaction_restore",
    ),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/tracker/", imports.import_tracker_upload, name="import_tracker_upload"),
    path("imports/files/", imports.import_files_upload, name="import_files_upload"),
    path("export/", imports.export_download, name="export"),
    path("imports/uploads/<uuid:code>/", imports.import_preview, name="import_preview"),
    path(
        "imports/uploads/<uuid:code>/discard/",
        imports.import_upload_discard,
        name="import_upload_discard",
    ),
    path("imports/<uuid:code>/", imports.import_status, name="import_status"),
    path("imports/<uuid:code>/undo/", imports.import_undo_view, name="import_undo"),
    path("invoices/<uuid:code>/edit/", invoices.invoice_edit, name="invoice_edit"),
    path("invoices/<uuid:code>/paid/", invoices.invoice_paid, name="invoice_paid"),
    path("invoices/<uuid:code>/void/", invoices.invoice_void, name="invoice_void"),
    path("invoices/<uuid:code>/restore/", invoices.invoice_restore, name="invoice_restore"),
]
