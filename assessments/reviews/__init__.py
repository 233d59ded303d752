"""The guided review: "should I end this relationship?" — questions, the recommendation, the
plans and the messages that carry a decision out. Pure modules; the models and services that
store a review live beside the rest of assessments."""
