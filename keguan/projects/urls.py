from django.urls import path

from .views import experts, review

app_name = "projects"

urlpatterns = [
    # --- the expert pool and the review (专家库、专家评审) ---
    path("experts/", experts.expert_list_view, name="experts"),
    path("experts/new/", experts.expert_create_view, name="expert_create"),
    path("experts/<int:pk>/", experts.expert_detail_view, name="expert"),
    path("experts/<int:pk>/edit/", experts.expert_edit_view, name="expert_edit"),
    path("experts/<int:pk>/available/", experts.expert_available_view, name="expert_available"),
    path("experts/<int:pk>/conflicts/add/", experts.conflict_add_view, name="conflict_add"),
    path("experts/conflicts/<int:pk>/remove/", experts.conflict_remove_view, name="conflict_remove"),
    path("reviews/", review.review_list_view, name="reviews"),
    path("reviews/<int:pk>/", review.review_assign_view, name="review_assign"),
    path("reviews/<int:pk>/assign/", review.review_run_view, name="review_run"),
    path("reviews/<int:pk>/override/", review.review_override_view, name="review_override"),
    path("reviews/<int:pk>/close/", review.review_close_view, name="review_close"),
    path("reviews/<int:pk>/results/", review.review_results_view, name="review_results"),
    path("reviews/<int:pk>/results.xlsx", review.review_export_view, name="review_export"),
    path("reviews/assignments/<int:pk>/remove/", review.assignment_remove_view, name="assignment_remove"),
    path("my-reviews/", review.my_reviews_view, name="my_reviews"),
    path("my-reviews/<int:pk>/", review.my_review_view, name="my_review"),
]
