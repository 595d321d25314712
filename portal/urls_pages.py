"""The portal's own pages about the portal and about medborgarlöften (about, lättläst, accessibility)."""

urlpatterns = []
