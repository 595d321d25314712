"""A kommun's e-mail subscription: /<kommun>/prenumerera/ and the links in the mails, under it.

Before promises' URLs in portal/urls.py, whose /<kommun>/<start>-<end>/ patterns would not match these anyway.
Never cached (no public_page): the form carries a per-visitor token, and the link pages act on one subscription.
"""

from django.urls import path

from subscriptions import views

SUBSCRIBE = "<slug:municipality_slug>/prenumerera/"

urlpatterns = [
    path(SUBSCRIBE, views.subscribe, name="subscribe"),
    path(SUBSCRIBE + "skickat/", views.subscribe_sent, name="subscribe_sent"),
    path(SUBSCRIBE + "bekrafta/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
    path(SUBSCRIBE + "avsluta/<str:token>/", views.subscription_unsubscribe, name="subscription_unsubscribe"),
]
